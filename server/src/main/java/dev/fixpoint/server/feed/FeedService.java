package dev.fixpoint.server.feed;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.matching.AdvisoryIndex;
import dev.fixpoint.core.risk.AssetContext;
import dev.fixpoint.core.risk.RiskAssessment;
import dev.fixpoint.core.risk.RiskAssessor;
import dev.fixpoint.feeds.FeedLoader;
import dev.fixpoint.feeds.Limits;
import dev.fixpoint.feeds.LoadedFeeds;
import dev.fixpoint.feeds.Progress;
import dev.fixpoint.feeds.sync.FeedSource;
import dev.fixpoint.feeds.sync.FeedSync;
import dev.fixpoint.feeds.sync.SourceState;
import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.inventory.InventoryStore;
import dev.fixpoint.server.platform.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Jdbi;

/**
 * The advisories, KEV and EPSS the server judges by: read from the feed store (a directory in the data
 * directory), kept current by {@link #sync()}, and swapped in whole so a reader never sees half a
 * load. After a load, only the package names whose advisories changed are re-evaluated on the hosts
 * that have them. A failed source keeps its last good copy; its error is kept in its state.
 */
public final class FeedService {

    /**
     * What is loaded now.
     *
     * @param bySourceAndId the advisories by {@code source + '\0' + id}, for findings that name theirs
     */
    public record Loaded(
            LoadedFeeds feeds,
            AdvisoryIndex index,
            RiskAssessor assessor,
            Instant loadedAt,
            List<String> errors,
            Map<String, List<Advisory>> bySourceAndId) {

        static Loaded of(LoadedFeeds feeds, AdvisoryIndex index, Instant loadedAt, List<String> errors) {
            Map<String, List<Advisory>> byId = new HashMap<>();
            for (Advisory a : index.advisories()) {
                byId.computeIfAbsent(a.source() + '\u0000' + a.id(), k -> new ArrayList<>(1))
                        .add(a);
            }
            return new Loaded(feeds, index, FeedService.assessor(feeds), loadedAt, errors, Map.copyOf(byId));
        }
    }

    private final Path store;
    private final List<FeedSource> sources;
    private final FeedSync sync;
    private final Jdbi jdbi;
    private final InventoryStore inventory;
    private final AuditLog audit;
    private final Metrics metrics;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, RiskAssessment> riskCache = new ConcurrentHashMap<>();
    private volatile Loaded loaded;
    private volatile Map<String, Integer> fingerprints = Map.of();

    public FeedService(
            Path store,
            List<FeedSource> sources,
            FeedSync sync,
            Jdbi jdbi,
            InventoryStore inventory,
            AuditLog audit,
            Metrics metrics,
            Clock clock) {
        this.store = store;
        this.sources = List.copyOf(sources);
        this.sync = sync;
        this.jdbi = jdbi;
        this.inventory = inventory;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        LoadedFeeds empty = new LoadedFeeds(
                List.of(),
                dev.fixpoint.core.signal.KevCatalog.empty(),
                dev.fixpoint.core.signal.EpssSet.empty(),
                Map.of(),
                Map.of(),
                List.of(),
                List.of());
        this.loaded = Loaded.of(empty, AdvisoryIndex.of(List.of()), null, List.of());
    }

    public Path store() {
        return store;
    }

    public Loaded current() {
        return loaded;
    }

    public List<FeedSource> sources() {
        return sources;
    }

    /** The risk of an advisory on an asset like this one, cached until the next load. */
    public RiskAssessment risk(Advisory a, AssetContext asset) {
        return riskCache.computeIfAbsent(
                AdvisoryIndex.identity(a) + '\u0000' + asset.criticality() + '\u0000' + asset.exposure(),
                k -> loaded.assessor().assess(a, asset));
    }

    public Map<String, SourceState> states() {
        try {
            return FeedSync.readState(store);
        } catch (IOException e) {
            return Map.of();
        }
    }

    /**
     * Reads the store and swaps the result in, then re-evaluates the hosts' packages whose
     * advisories were added, changed or removed. Returns how many package names were touched.
     */
    public int reload() {
        lock.lock();
        try {
            Files.createDirectories(store);
            long t0 = System.nanoTime();
            LoadedFeeds feeds = FeedLoader.load(List.of(store), Progress.none(), Limits.DEFAULT, true);
            AdvisoryIndex index = AdvisoryIndex.of(List.of());
            Map<String, Integer> prints = new HashMap<>();
            Set<String> touched = new HashSet<>();
            Map<String, Advisory> previous = new HashMap<>();
            for (Advisory a : loaded.index().advisories()) {
                previous.put(AdvisoryIndex.identity(a), a);
            }
            AdvisoryIndex gone = AdvisoryIndex.of(List.of());
            for (Advisory a : feeds.advisories()) {
                String id = AdvisoryIndex.identity(a);
                Set<String> keys = index.put(a);
                int print = a.hashCode();
                prints.put(id, print);
                Integer before = fingerprints.get(id);
                if (before == null || before != print) {
                    touched.addAll(keys);
                    Advisory old = previous.get(id);
                    if (old != null) {
                        touched.addAll(gone.put(old));
                    }
                }
            }
            for (Map.Entry<String, Advisory> e : previous.entrySet()) {
                if (!prints.containsKey(e.getKey())) {
                    touched.addAll(gone.put(e.getValue()));
                }
            }
            List<String> errors = new ArrayList<>(feeds.warnings());
            Loaded next = Loaded.of(feeds, index, clock.instant(), errors);
            loaded = next;
            fingerprints = prints;
            riskCache.clear();
            if (!touched.isEmpty()) {
                List<String> keys = new ArrayList<>(touched);
                for (int i = 0; i < keys.size(); i += 500) {
                    Set<String> chunk = new HashSet<>(keys.subList(i, Math.min(keys.size(), i + 500)));
                    jdbi.useTransaction(h -> inventory.reevaluate(h, chunk, index, clock.instant()));
                }
            }
            metrics.evaluationSeconds.labelValues("feeds").observe((System.nanoTime() - t0) / 1e9);
            return touched.size();
        } catch (IOException e) {
            throw new IllegalStateException("feed store " + store + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Fetches every configured source (conditional GET), records each outcome, then reloads. */
    public List<FeedSync.Result> sync(String actor) {
        lock.lock();
        try {
            List<FeedSync.Result> results;
            try {
                results = sync.sync(sources, store);
            } catch (IOException e) {
                audit.append(actor, "feeds.sync.failed", "feeds", Map.of("error", String.valueOf(e.getMessage())));
                throw new IllegalStateException("feed store " + store + ": " + e.getMessage(), e);
            }
            boolean changed = false;
            for (FeedSync.Result r : results) {
                metrics.feedSyncs
                        .labelValues(r.name(), r.outcome().name().toLowerCase(java.util.Locale.ROOT))
                        .inc();
                changed |= r.outcome() == FeedSync.Outcome.UPDATED;
                Map<String, String> details = new TreeMap<>();
                details.put("outcome", r.outcome().name());
                if (r.state().sha256() != null) {
                    details.put("sha256", r.state().sha256());
                }
                if (r.state().lastError() != null) {
                    details.put("error", r.state().lastError());
                }
                if (r.state().fetched() > 0) {
                    details.put("fetched", Integer.toString(r.state().fetched()));
                }
                audit.append(actor, "feeds.sync", "feed:" + r.name(), details);
            }
            if (changed || loaded.loadedAt() == null) {
                reload();
            }
            return results;
        } finally {
            lock.unlock();
        }
    }

    private static RiskAssessor assessor(LoadedFeeds feeds) {
        return new RiskAssessor(
                feeds.epss(), feeds.kev(), cve -> feeds.enrichments().get(cve));
    }
}
