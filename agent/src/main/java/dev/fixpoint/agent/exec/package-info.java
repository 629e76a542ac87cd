/**
 * Acting on the server's jobs: {@link dev.fixpoint.agent.exec.JobVerifier} checks a job's signature
 * against the job key pinned at enrollment, its host, its time window, its package strings and that
 * it was never seen before ({@link dev.fixpoint.agent.exec.SeenJobs}); only a {@link
 * dev.fixpoint.agent.exec.VerifiedJob} reaches an executor. {@link dev.fixpoint.agent.exec.AptExecutor}
 * checks the dpkg locks and free disk, records the exact pre-state, runs {@code apt-get} from an
 * argument list ({@link dev.fixpoint.agent.exec.PackageManagerArgv}, never a shell) and verifies the
 * post-state. See docs/jobs.md.
 */
package dev.fixpoint.agent.exec;
