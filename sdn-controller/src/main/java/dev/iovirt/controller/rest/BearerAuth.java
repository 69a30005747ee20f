package dev.iovirt.controller.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The bearer token check of RFC 6750 §2.1 for calls that change state: no (or a malformed)
 * {@code Authorization} header is 401 with a {@code WWW-Authenticate} challenge, a wrong token 403.
 * Tokens are compared in constant time.
 */
final class BearerAuth {
    private static final String PREFIX = "Bearer ";
    private final byte[] token;

    BearerAuth(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the API token must not be empty");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Throws {@link ApiException} 401 or 403 unless {@code header} carries the token. */
    void check(String header) {
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new ApiException(401, "this call changes state and needs 'Authorization: Bearer <token>'", null);
        }
        byte[] given = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) {
            throw new ApiException(403, "the bearer token is not valid for this controller", null);
        }
    }
}
