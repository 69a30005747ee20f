package dev.iovirt.controller.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates requests against the OpenAPI 3.1 document the API serves, so that the document is the
 * contract and not a description of it. An operation is found by its {@code operationId}; its path
 * and query parameters and its JSON body are checked against their schemas, and the first
 * violation becomes a 400 naming the field ({@code priority}, {@code match.nw_src},
 * {@code actions[0].type}, {@code dpid}).
 *
 * <p>The JSON Schema subset the document uses is supported: {@code $ref} (local), {@code type}
 * (one or several), {@code properties}, {@code required}, {@code additionalProperties} (false or a
 * schema), {@code enum}, {@code minimum}, {@code maximum}, {@code minLength}, {@code maxLength},
 * {@code pattern}, {@code items}, {@code minItems}, {@code maxItems}. A keyword outside it makes
 * {@link #OpenApiValidator} refuse the document, so the document cannot silently promise more.
 *
 * <p>Decision: vertx-openapi / vertx-web-openapi-router 5.0.12 would do this, but they are not in
 * the Maven Central reachable from our build machines; this class is small and owns its messages.
 */
public final class OpenApiValidator {
    private static final java.util.Set<String> KNOWN = java.util.Set.of("$ref", "type", "properties", "required",
            "additionalProperties", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern", "items",
            "minItems", "maxItems", "description", "default", "format", "example");

    private final JsonNode document;
    private final String text;
    private final Map<String, JsonNode> operations = new HashMap<>();
    private final Map<String, Pattern> patterns = new HashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    public OpenApiValidator(String yamlText) throws IOException {
        this.text = yamlText;
        this.document = new YAMLMapper().readTree(yamlText);
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            for (Iterator<Map.Entry<String, JsonNode>> ops = paths.next().getValue().fields(); ops.hasNext(); ) {
                JsonNode op = ops.next().getValue();
                operations.put(op.path("operationId").asText(), op);
            }
        }
        checkKeywords(document.path("components").path("schemas"), "components.schemas");
    }

    /** The validator of the document shipped in this module. */
    public static OpenApiValidator load() {
        try (InputStream in = OpenApiValidator.class.getResourceAsStream("openapi.yaml")) {
            return new OpenApiValidator(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the OpenAPI document: " + e.getMessage(), e);
        }
    }

    /** The document as served at /api/v1/openapi.yaml. */
    public String text() {
        return text;
    }

    /** The operation ids the document defines. */
    public java.util.Set<String> operationIds() {
        return operations.keySet();
    }

    private void checkKeywords(JsonNode schemas, String where) {
        for (Iterator<Map.Entry<String, JsonNode>> it = schemas.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            checkSchema(e.getValue(), where + "." + e.getKey());
        }
    }

    private void checkSchema(JsonNode s, String where) {
        if (!s.isObject()) {
            return;
        }
        for (Iterator<String> names = s.fieldNames(); names.hasNext(); ) {
            String k = names.next();
            if (!KNOWN.contains(k)) {
                throw new IllegalArgumentException("OpenAPI document uses schema keyword '" + k + "' at " + where
                        + ", which OpenApiValidator does not check");
            }
        }
        s.path("properties").fields().forEachRemaining(p -> checkSchema(p.getValue(), where + "." + p.getKey()));
        checkSchema(s.path("items"), where + "[]");
        checkSchema(s.path("additionalProperties"), where + ".*");
    }

    /**
     * Validates a request of {@code operationId}; returns the parsed body (or null when there is
     * none). Throws {@link ApiException} 400 for the first violation.
     */
    public JsonNode validate(String operationId, Map<String, String> pathParams, Map<String, String> queryParams,
                             String contentType, String body) {
        JsonNode op = operations.get(operationId);
        if (op == null) {
            throw new IllegalArgumentException("no operation '" + operationId + "' in the OpenAPI document");
        }
        for (JsonNode p : op.path("parameters")) {
            JsonNode param = resolve(p);
            String name = param.path("name").asText();
            String in = param.path("in").asText();
            String value = "path".equals(in) ? pathParams.get(name) : "query".equals(in) ? queryParams.get(name) : null;
            if (value == null) {
                if (param.path("required").asBoolean(false)) {
                    throw new ApiException(400, in + " parameter '" + name + "' is required", name);
                }
                continue;
            }
            checkScalar(resolve(param.path("schema")), value, name);
        }
        JsonNode requestBody = op.path("requestBody");
        boolean hasBody = body != null && !body.isBlank();
        if (requestBody.isMissingNode()) {
            if (hasBody) {
                throw new ApiException(400, "this operation takes no request body", null);
            }
            return null;
        }
        if (!hasBody) {
            if (requestBody.path("required").asBoolean(false)) {
                throw new ApiException(400, "a JSON request body is required", null);
            }
            return null;
        }
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "the request body must be application/json, not " + contentType, null);
        }
        JsonNode parsed;
        try {
            parsed = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the request body is not valid JSON: " + e.getOriginalMessage(), null);
        }
        check(resolve(requestBody.path("content").path("application/json").path("schema")), parsed, "");
        return parsed;
    }

    private JsonNode resolve(JsonNode n) {
        while (n.has("$ref")) {
            String ref = n.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("only local $ref supported: " + ref);
            }
            JsonNode at = document;
            for (String part : ref.substring(2).split("/")) {
                at = at.path(part);
            }
            n = at;
        }
        return n;
    }

    private void checkScalar(JsonNode schema, String value, String field) {
        String type = schema.path("type").asText("string");
        if ("integer".equals(type)) {
            try {
                check(schema, json.getNodeFactory().numberNode(Long.parseLong(value)), field);
            } catch (NumberFormatException e) {
                throw new ApiException(400, field + " must be an integer, not '" + value + "'", field);
            }
            return;
        }
        check(schema, json.getNodeFactory().textNode(value), field);
    }

    private void check(JsonNode schema, JsonNode v, String path) {
        schema = resolve(schema);
        String name = path.isEmpty() ? "the request body" : path;
        JsonNode type = schema.path("type");
        if (!type.isMissingNode() && !typeMatches(type, v)) {
            throw new ApiException(400, name + " must be " + describe(type) + ", not " + kind(v), nullIfEmpty(path));
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= e.equals(v);
            }
            if (!found) {
                throw new ApiException(400, name + " must be one of " + schema.get("enum") + ", not " + v, nullIfEmpty(path));
            }
        }
        if (v.isNumber()) {
            if (schema.has("minimum") && v.asDouble() < schema.get("minimum").asDouble()) {
                throw new ApiException(400, name + " must be at least " + schema.get("minimum") + ", not " + v, nullIfEmpty(path));
            }
            if (schema.has("maximum") && v.asDouble() > schema.get("maximum").asDouble()) {
                throw new ApiException(400, name + " must be at most " + schema.get("maximum") + ", not " + v, nullIfEmpty(path));
            }
        }
        if (v.isTextual()) {
            String s = v.asText();
            if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
                throw new ApiException(400, name + " must have at least " + schema.get("minLength") + " characters", nullIfEmpty(path));
            }
            if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
                throw new ApiException(400, name + " must have at most " + schema.get("maxLength") + " characters", nullIfEmpty(path));
            }
            if (schema.has("pattern")) {
                Pattern p = patterns.computeIfAbsent(schema.get("pattern").asText(), Pattern::compile);
                if (!p.matcher(s).find()) {
                    throw new ApiException(400, name + " '" + s + "' does not match " + p.pattern(), nullIfEmpty(path));
                }
            }
        }
        if (v.isObject()) {
            for (JsonNode r : schema.path("required")) {
                if (!v.has(r.asText())) {
                    String field = join(path, r.asText());
                    throw new ApiException(400, field + " is required", field);
                }
            }
            JsonNode props = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = join(path, e.getKey());
                if (props.has(e.getKey())) {
                    check(props.get(e.getKey()), e.getValue(), field);
                } else if (additional.isBoolean() && !additional.asBoolean()) {
                    throw new ApiException(400, field + " is not a known field" + (props.isEmpty() ? ""
                            : " (known: " + String.join(", ", iterable(props.fieldNames())) + ")"), field);
                } else if (additional.isObject()) {
                    check(additional, e.getValue(), field);
                }
            }
        }
        if (v.isArray()) {
            if (schema.has("minItems") && v.size() < schema.get("minItems").asInt()) {
                throw new ApiException(400, name + " must have at least " + schema.get("minItems") + " items", nullIfEmpty(path));
            }
            if (schema.has("maxItems") && v.size() > schema.get("maxItems").asInt()) {
                throw new ApiException(400, name + " must have at most " + schema.get("maxItems") + " items", nullIfEmpty(path));
            }
            if (schema.has("items")) {
                for (int i = 0; i < v.size(); i++) {
                    check(schema.get("items"), v.get(i), path + "[" + i + "]");
                }
            }
        }
    }

    private static java.util.List<String> iterable(Iterator<String> it) {
        java.util.List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String nullIfEmpty(String path) {
        return path.isEmpty() ? null : path;
    }

    private static boolean typeMatches(JsonNode type, JsonNode v) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(t, v)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> false;
        };
    }

    private static String describe(JsonNode type) {
        if (type.isArray()) {
            java.util.List<String> names = new java.util.ArrayList<>();
            type.forEach(t -> names.add(article(t.asText())));
            return String.join(" or ", names);
        }
        return article(type.asText());
    }

    private static String article(String t) {
        return switch (t) {
            case "object", "array", "integer" -> "an " + t;
            case "null" -> "null";
            default -> "a " + t;
        };
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> v.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
