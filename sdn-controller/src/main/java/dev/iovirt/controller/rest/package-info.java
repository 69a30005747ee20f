/**
 * The northbound REST API on Vert.x, under {@code /api/v1}, described by the OpenAPI 3.1 document
 * {@code openapi.yaml} beside this package, which is both served and enforced.
 *
 * <pre>
 * request ─▶ Router ─▶ BearerAuth (POST/DELETE: 401 without a token, 403 with a wrong one)
 *         ─▶ OpenApiValidator (400 naming the field) ─▶ resource: service call + JsonCodecs
 *         ─▶ 2xx JSON, or {"error": ..., "field": ...} with its 4xx (404 unknown switch, 409 switch refused)
 * subsystem events ─▶ EventStream ─▶ text/event-stream at /api/v1/events
 * </pre>
 */
package dev.iovirt.controller.rest;
