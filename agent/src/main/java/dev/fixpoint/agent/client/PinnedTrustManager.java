package dev.fixpoint.agent.client;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, the one whose SHA-256 is the pin, and nothing else: no CA, no
 * expiry and no host-name check, because the pin is the server's identity (docs/agent-protocol.md).
 *
 * <p>It extends {@link X509ExtendedTrustManager} on purpose. JSSE checks the host name inside the trust
 * manager: a plain {@code X509TrustManager} would be wrapped in one that checks it (the JDK HTTP client
 * always asks for {@code HTTPS} endpoint identification), and a server whose certificate names another
 * host would be refused despite a matching pin. Doing the check here keeps the pin the only rule, for
 * this client only, without the process-wide {@code jdk.internal.httpclient.disableHostnameVerification}
 * property.
 *
 * <p>Public for the operator CLI ({@code fixpoint deployments …}), which pins the server the same way.
 */
public final class PinnedTrustManager extends X509ExtendedTrustManager {

    private final Fingerprint pin;

    public PinnedTrustManager(Fingerprint pin) {
        this.pin = pin;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        Fingerprint seen = Fingerprint.of(chain[0]);
        if (!seen.equals(pin)) {
            throw new PinMismatchException(seen, pin);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a pinned client does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /** The server's certificate is not the pinned one. */
    public static final class PinMismatchException extends CertificateException {
        private static final long serialVersionUID = 1L;

        PinMismatchException(Fingerprint seen, Fingerprint pin) {
            super("the server's certificate has SHA-256 " + seen.display() + ", not the pinned " + pin.display());
        }
    }
}
