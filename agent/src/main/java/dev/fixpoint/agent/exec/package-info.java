/**
 * Acting on the server's jobs: {@link dev.fixpoint.agent.exec.JobVerifier} checks a job's signature
 * against the job key pinned at enrollment, its host, its time window, its package strings and that
 * it was never seen before ({@link dev.fixpoint.agent.exec.SeenJobs}); only a {@link
 * dev.fixpoint.agent.exec.VerifiedJob} reaches an executor. {@link dev.fixpoint.agent.exec.AptExecutor},
 * {@link dev.fixpoint.agent.exec.DnfExecutor} and {@link dev.fixpoint.agent.exec.ApkExecutor} record
 * the exact pre-state, check the package manager's locks and free disk, run it from an argument list
 * ({@link dev.fixpoint.agent.exec.PackageManagerArgv}, never a shell) and verify the post-state. See
 * docs/jobs.md.
 */
package dev.fixpoint.agent.exec;
