package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a resource answers: an HTTP status and a JSON body.
 *
 * @param status the HTTP status code
 * @param body the JSON body
 */
public record ApiResponse(int status, JsonNode body) {
    public static ApiResponse ok(JsonNode body) {
        return new ApiResponse(200, body);
    }
}
