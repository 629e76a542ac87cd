package dev.fixpoint.server.feed;

import dev.fixpoint.feeds.FeedKind;
import dev.fixpoint.feeds.sync.FeedSource;
import dev.fixpoint.feeds.sync.SourceState;
import dev.fixpoint.server.auth.AuthFilter;
import dev.fixpoint.server.platform.Access;
import dev.fixpoint.server.platform.Api;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/** Feed state (per source: last sync, digest, error; loaded counts) and an on-demand sync. */
public final class FeedResource {
    public record Source(
            String name,
            String kind,
            String uri,
            Instant lastSuccess,
            Instant lastAttempt,
            String lastError,
            String sha256,
            long bytes,
            Instant highWaterMark,
            int fetched,
            long total) {}

    public record FeedsView(
            Instant loadedAt,
            int advisories,
            int kevEntries,
            int epssScores,
            LocalDate epssDate,
            Map<String, Integer> files,
            List<String> warnings,
            List<Source> sources,
            boolean syncRunning) {}

    public record SyncAccepted(String status) {}

    private final FeedService feeds;
    private final ExecutorService background;
    private final AtomicBoolean running = new AtomicBoolean();

    public FeedResource(FeedService feeds, ExecutorService background) {
        this.feeds = feeds;
        this.background = background;
    }

    public boolean syncRunning() {
        return running.get();
    }

    public void register(Api api) {
        api.get(
                        "/api/v1/feeds",
                        Access.READ,
                        "Feed state: loaded counts, per-source sync state and errors",
                        ctx -> ctx.json(view()))
                .returns(FeedsView.class);
        api.post("/api/v1/feeds/sync", Access.OPERATE, "Start a sync of every configured source now", ctx -> {
                    String actor = AuthFilter.principal(ctx).actor();
                    if (running.compareAndSet(false, true)) {
                        background.submit(() -> {
                            try {
                                feeds.sync(actor);
                            } finally {
                                running.set(false);
                            }
                        });
                        ctx.status(202).json(new SyncAccepted("started"));
                    } else {
                        ctx.status(202).json(new SyncAccepted("already running"));
                    }
                })
                .returns(SyncAccepted.class)
                .status(202);
    }

    public FeedsView view() {
        FeedService.Loaded l = feeds.current();
        Map<String, SourceState> states = feeds.states();
        List<Source> sources = new ArrayList<>();
        for (FeedSource s : feeds.sources()) {
            SourceState st = states.get(s.name());
            sources.add(new Source(
                    s.name(),
                    st == null ? null : st.kind(),
                    s.uri().toString(),
                    st == null ? null : st.lastSuccess(),
                    st == null ? null : st.lastAttempt(),
                    st == null ? null : st.lastError(),
                    st == null ? null : st.sha256(),
                    st == null ? 0 : st.bytes(),
                    st == null ? null : st.highWaterMark(),
                    st == null ? 0 : st.fetched(),
                    st == null ? 0 : st.total()));
        }
        Map<String, Integer> files = new TreeMap<>();
        for (Map.Entry<FeedKind, Integer> e : l.feeds().files().entrySet()) {
            files.put(e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue());
        }
        return new FeedsView(
                l.loadedAt(),
                l.index().advisoryCount(),
                l.feeds().kev().size(),
                l.feeds().epss().scores().size(),
                l.feeds().epss().scoreDate(),
                files,
                l.errors(),
                sources,
                running.get());
    }
}
