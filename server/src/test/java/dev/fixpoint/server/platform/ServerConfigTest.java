package dev.fixpoint.server.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsAreTheEmbeddedSetup() {
        ServerConfig c = ServerConfig.load(null, Map.of(), Map.of());
        assertThat(c.database().isSqlite()).isTrue();
        assertThat(c.listenPort()).isEqualTo(8443);
        assertThat(c.tls()).isTrue();
        assertThat(c.feedsDir()).isEqualTo(Path.of("fixpoint-data", "feeds"));
        assertThat(c.feedSources()).isNotEmpty();
    }

    @Test
    void fileThenEnvironmentThenCommandLine() throws Exception {
        Path f = tmp.resolve("fixpoint.properties");
        Files.writeString(
                f,
                "listen.port=9000\ndatabase.url=jdbc:postgresql://db/fixpoint\nfeeds.source.kev=file:/srv/kev.json\n");
        ServerConfig c = ServerConfig.load(
                f,
                Map.of("FIXPOINT_LISTEN_PORT", "9100", "FIXPOINT_DATABASE_PASSWORD", "s3cret-pg", "PATH", "/bin"),
                Map.of("listen.host", "127.0.0.1"));
        assertThat(c.listenPort()).isEqualTo(9100);
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db/fixpoint");
        assertThat(c.database().password()).isEqualTo("s3cret-pg");
        assertThat(c.feedSources()).singleElement().satisfies(s -> assertThat(s.name())
                .isEqualTo("kev"));
        assertThat(String.join("\n", c.describe()))
                .contains("database.password = ******")
                .doesNotContain("s3cret-pg");
        assertThat(c.toString()).doesNotContain("s3cret-pg");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingKeyAndSource() throws Exception {
        Path f = tmp.resolve("bad.properties");
        Files.writeString(f, "listen.port=99999\ntls.enabled=maybe\nlisten.prot=1\n");
        assertThatThrownBy(() -> ServerConfig.load(
                        f,
                        Map.of(
                                "FIXPOINT_DATABASE_URL",
                                "mysql://x",
                                "FIXPOINT_ADMIN_PASSWORD",
                                "short",
                                "FIXPOINT_NOPE",
                                "1"),
                        Map.of()))
                .isInstanceOf(ServerConfig.ConfigException.class)
                .hasMessageContaining("unknown key \"listen.prot\"")
                .hasMessageContaining("listen.port (from " + f + "): 99999 is outside 0..65535")
                .hasMessageContaining("tls.enabled")
                .hasMessageContaining("database.url (from environment FIXPOINT_DATABASE_URL)")
                .hasMessageContaining("admin.password")
                .hasMessageContaining("FIXPOINT_NOPE")
                .message()
                .doesNotContain("short");
    }

    @Test
    void passwordsInTheJdbcUrlAreMasked() {
        ServerConfig c = ServerConfig.load(
                null, Map.of(), Map.of("database.url", "jdbc:postgresql://db/fp?user=fp&password=hunter2hunter2"));
        assertThat(String.join("\n", c.describe())).doesNotContain("hunter2").contains("password=******");
    }
}
