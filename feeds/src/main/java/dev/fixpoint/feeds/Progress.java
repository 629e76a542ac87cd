package dev.fixpoint.feeds;

/** Receives progress while feeds load, for long loads (progress bars, logs). */
@FunctionalInterface
public interface Progress {

    /**
     * @param filesDone files finished
     * @param filesTotal files to read
     * @param records records read so far (advisories, KEV entries, EPSS rows, NVD records)
     * @param current the file being read, or null when done
     */
    void update(int filesDone, int filesTotal, long records, String current);

    static Progress none() {
        return (done, total, records, current) -> {};
    }
}
