/**
 * Version schemes: one strict comparator per package ecosystem (dpkg, rpm, apk, SemVer, PEP 440, Maven,
 * Go), each checked against the upstream tools' own test vectors and against the tools themselves.
 */
package dev.fixpoint.core.version;
