package dev.fixpoint.server.platform;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.DoubleSupplier;

/** The server's Prometheus metrics, in a registry of its own (so tests can run several servers). */
public final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();

    public final Counter checkins = Counter.builder()
            .name("fixpoint_agent_checkins_total")
            .help("Agent check-ins, by outcome (ok, inventory_wanted, rejected)")
            .labelNames("outcome")
            .register(registry);
    public final Counter inventories = Counter.builder()
            .name("fixpoint_inventory_ingests_total")
            .help("Full inventories received from agents, by outcome (stored, unchanged, rejected)")
            .labelNames("outcome")
            .register(registry);
    public final Histogram evaluationSeconds = Histogram.builder()
            .name("fixpoint_evaluation_seconds")
            .help("Time to evaluate findings, by trigger (inventory, feeds)")
            .labelNames("trigger")
            .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .register(registry);
    public final Counter feedSyncs = Counter.builder()
            .name("fixpoint_feed_sync_total")
            .help("Feed source syncs, by source and outcome (updated, unchanged, failed)")
            .labelNames("source", "outcome")
            .register(registry);
    public final Counter logins = Counter.builder()
            .name("fixpoint_logins_total")
            .help("Login attempts, by outcome (ok, failed, throttled)")
            .labelNames("outcome")
            .register(registry);
    public final Histogram requestSeconds = Histogram.builder()
            .name("fixpoint_http_request_seconds")
            .help("HTTP request time, by route group and status class")
            .labelNames("route", "status")
            .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5)
            .register(registry);

    public final Counter jobsDispatched = Counter.builder()
            .name("fixpoint_jobs_dispatched_total")
            .help("Signed jobs created for agents, by type (INSTALL, ROLLBACK, REBOOT, PREFLIGHT)")
            .labelNames("type")
            .register(registry);
    public final Counter jobResults = Counter.builder()
            .name("fixpoint_job_results_total")
            .help("Job results received from agents, by status")
            .labelNames("status")
            .register(registry);
    public final Counter deployments = Counter.builder()
            .name("fixpoint_deployments_finished_total")
            .help("Deployments that completed, halted or were rolled back, by outcome")
            .labelNames("outcome")
            .register(registry);

    public Metrics() {
        // Series exist from the start (at zero), so dashboards and alerts see them before the first event.
        for (String o : new String[] {"ok", "inventory_wanted", "rejected"}) {
            checkins.initLabelValues(o);
        }
        for (String o : new String[] {"stored", "unchanged", "rejected"}) {
            inventories.initLabelValues(o);
        }
        for (String o : new String[] {"ok", "failed", "throttled"}) {
            logins.initLabelValues(o);
        }
        for (String t : new String[] {"INSTALL", "ROLLBACK", "REBOOT", "PREFLIGHT"}) {
            jobsDispatched.initLabelValues(t);
        }
        for (String o : new String[] {"completed", "halted", "rolled_back"}) {
            deployments.initLabelValues(o);
        }
    }

    /** Registers a gauge read when scraped, e.g. a queue depth. */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    /** The text exposition format, version 0.0.4. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
