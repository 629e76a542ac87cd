package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobKeyFileTest {
    @TempDir
    Path state;

    @Test
    void thePinIsReadBackOwnerOnly() throws Exception {
        assertThat(JobKeyFile.load(state)).isEmpty();
        PublicKey key =
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        JobKeyFile.pin(state, key);
        assertThat(JobKeyFile.load(state)).contains(key);
        assertThat(Files.readString(state.resolve(JobKeyFile.FILE))).startsWith("ed25519 MCowBQYDK2Vw");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(JobKeyFile.FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void onlyEd25519() throws Exception {
        PublicKey ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        assertThatThrownBy(() -> JobKeyFile.pin(state, ec)).hasMessageContaining("Ed25519");
        PublicKey ed448 =
                KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPublic();
        assertThatThrownBy(() -> JobKeyFile.pin(state, ed448)).hasMessageContaining("Ed25519");
    }

    @Test
    void aDamagedPinIsAnError() throws Exception {
        Files.writeString(state.resolve(JobKeyFile.FILE), "ed25519 !!!\n");
        assertThatThrownBy(() -> JobKeyFile.load(state)).hasMessageContaining("does not hold an Ed25519");
        Files.writeString(state.resolve(JobKeyFile.FILE), "rsa AAAA\n");
        assertThatThrownBy(() -> JobKeyFile.load(state)).hasMessageContaining("does not start with");
    }

    @Test
    void theOneLineFormRoundTripsAndThePinCanBeRemoved() throws Exception {
        PublicKey key =
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        String line = JobKeyFile.format(key);
        assertThat(line).startsWith("ed25519 MCowBQYDK2Vw").doesNotContain("\n");
        assertThat(JobKeyFile.parse("  " + line + "\n")).isEqualTo(key);
        assertThatThrownBy(() -> JobKeyFile.parse("ed25519")).hasMessageContaining("does not start with");
        assertThatThrownBy(() -> JobKeyFile.parse("ed25519 " + "A".repeat(60)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not hold an Ed25519 public key");
        PublicKey ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        String ecLine = "ed25519 " + java.util.Base64.getEncoder().encodeToString(ec.getEncoded());
        assertThatThrownBy(() -> JobKeyFile.parse(ecLine)).hasMessageContaining("does not hold an Ed25519");
        JobKeyFile.pin(state, key);
        JobKeyFile.remove(state);
        assertThat(JobKeyFile.load(state)).isEmpty();
        JobKeyFile.remove(state); // nothing to remove is fine
    }
}
