package dev.iovirt.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iovirt.openflow.DatapathId;
import java.util.Map;

/**
 * A request that passed authentication and OpenAPI validation, as a resource sees it.
 *
 * @param pathParams the path parameters
 * @param queryParams the query parameters (first value of each)
 * @param body the parsed JSON body, or null
 */
public record ApiRequest(Map<String, String> pathParams, Map<String, String> queryParams, JsonNode body) {
    /** The {@code dpid} path parameter (already checked against its pattern). */
    public DatapathId dpid() {
        return dpid("dpid", pathParams.get("dpid"));
    }

    public static DatapathId dpid(String field, String text) {
        try {
            return DatapathId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage(), field);
        }
    }
}
