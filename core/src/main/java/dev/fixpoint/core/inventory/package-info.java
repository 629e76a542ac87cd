/**
 * Installed-package inventories and the parsers of package databases (dpkg status, rpm query output,
 * apk installed database, os-release). Parsers read the streams they are handed; they open no files.
 */
package dev.fixpoint.core.inventory;
