package dev.senda.desired.policy;

import dev.senda.model.LabelSelector;
import dev.senda.model.LabelSelector.Requirement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectorsTest {
    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

    private static LabelSelector expr(String key, String op, String... values) {
        return new LabelSelector(Map.of(), List.of(new Requirement(key, op, List.of(values))));
    }

    @Test
    void anEmptySelectorSelectsEverything() {
        assertTrue(Selectors.matches(LabelSelector.ALL, Map.of()));
        assertTrue(Selectors.matches(LabelSelector.ALL, WEB));
    }

    @Test
    void matchLabelsNeedEveryPairAndMatchExpressionsAreAndedWithThem() {
        assertTrue(Selectors.matches(new LabelSelector(Map.of("app", "web"), List.of()), WEB));
        assertFalse(Selectors.matches(new LabelSelector(Map.of("app", "web", "tier", "back"), List.of()), WEB));
        var both = new LabelSelector(Map.of("app", "web"), List.of(new Requirement("tier", "In", List.of("back"))));
        assertFalse(Selectors.matches(both, WEB));
    }

    @Test
    void setBasedOperators() {
        assertTrue(Selectors.matches(expr("app", "In", "api", "web"), WEB));
        assertFalse(Selectors.matches(expr("app", "In", "api"), WEB));
        assertFalse(Selectors.matches(expr("missing", "In", "x"), WEB));
        assertTrue(Selectors.matches(expr("app", "NotIn", "api"), WEB));
        assertFalse(Selectors.matches(expr("app", "NotIn", "web"), WEB));
        assertTrue(Selectors.matches(expr("missing", "NotIn", "x"), WEB), "NotIn holds for an absent label");
        assertTrue(Selectors.matches(expr("tier", "Exists"), WEB));
        assertFalse(Selectors.matches(expr("missing", "Exists"), WEB));
        assertTrue(Selectors.matches(expr("missing", "DoesNotExist"), WEB));
        assertFalse(Selectors.matches(expr("tier", "DoesNotExist"), WEB));
    }

    @Test
    void invalidSelectorsAreNamedAndNeverMatch() {
        assertTrue(Selectors.invalid(expr("app", "In", "web")).isEmpty());
        assertEquals("matchExpressions app In needs values", Selectors.invalid(expr("app", "In")).orElseThrow());
        assertEquals("matchExpressions app Exists takes no values", Selectors.invalid(expr("app", "Exists", "x")).orElseThrow());
        assertEquals("matchExpressions app: unknown operator \"Gt\"", Selectors.invalid(expr("app", "Gt", "1")).orElseThrow());
        assertTrue(Selectors.invalid(expr("", "Exists")).isPresent());
        assertFalse(Selectors.matches(expr("app", "Gt", "1"), WEB));
    }
}
