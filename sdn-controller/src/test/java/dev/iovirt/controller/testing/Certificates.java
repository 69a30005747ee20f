package dev.iovirt.controller.testing;

import dev.iovirt.controller.openflow.ControllerConfig;
import dev.iovirt.packet.testing.Peers;
import java.nio.file.Path;

/** Self-signed certificates for TLS tests, made by the real {@code openssl}. */
public final class Certificates {
    private Certificates() {
    }

    /** A self-signed certificate (which is its own CA) and its PKCS#8 key, as {@code dir/name-cert.pem}, {@code dir/name-key.pem}. */
    public static ControllerConfig.Tls selfSigned(Path dir, String name) {
        Peers.require("openssl", "openssl");
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        Peers.run(60, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=" + name,
                "-keyout", key.toString(), "-out", cert.toString()).requireSuccess();
        return new ControllerConfig.Tls(cert, key);
    }
}
