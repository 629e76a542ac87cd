package dev.fixpoint.agent.client;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust on first use: the JDK's own trust (CA chain and host name) decides, and the fingerprint of the
 * certificate it accepted is remembered so that the agent can pin it from then on.
 */
final class FirstUseTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;
    private volatile Fingerprint seen;

    /** @param trustStore the CA certificates to trust, or null for the JDK's default trust store */
    FirstUseTrustManager(KeyStore trustStore) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        X509ExtendedTrustManager found = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager) {
                found = (X509ExtendedTrustManager) tm;
            }
        }
        if (found == null) {
            throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
        }
        this.delegate = found;
    }

    /** The fingerprint of the server certificate the JDK accepted, once a handshake has happened. */
    Optional<Fingerprint> seen() {
        return Optional.ofNullable(seen);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
        seen = Fingerprint.of(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType, socket);
        seen = Fingerprint.of(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType, engine);
        seen = Fingerprint.of(chain[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the agent does not accept client connections");
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
        return delegate.getAcceptedIssuers();
    }
}
