package dev.iovirt.controller.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenApiValidatorTest {
    @Test
    void documentUsingAKeywordTheValidatorCannotCheckIsRefused() {
        String doc = """
                openapi: 3.1.0
                paths: {}
                components:
                  schemas:
                    X: { type: object, properties: { a: { type: string, oneOf: [] } } }
                """;
        assertThatThrownBy(() -> new OpenApiValidator(doc)).hasMessageContaining("oneOf").hasMessageContaining("X.a");
    }

    @Test
    void nestedViolationsNameTheirPath() {
        OpenApiValidator v = OpenApiValidator.load();
        assertThatThrownBy(() -> v.validate("addFlow", Map.of("dpid", "1"), Map.of(), "application/json",
                "{\"priority\": 1, \"actions\": [{\"type\": \"output\", \"port\": 1}, {\"type\": \"group\", \"group\": -1}]}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.field()).isEqualTo("actions[1].group");
                    assertThat(e.getMessage()).contains("at least 0");
                });
    }

    @Test
    void shippedDocumentLoadsAndKnowsEveryOperation() {
        assertThat(OpenApiValidator.load().operationIds()).contains("listSwitches", "addFlow", "deleteFlows", "events",
                "getTopology", "portStatistics", "listHosts");
    }
}
