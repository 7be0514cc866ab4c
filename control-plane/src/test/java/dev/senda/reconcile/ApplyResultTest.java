package dev.senda.reconcile;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ApplyResultTest {
    @Test
    void summaryCountsErrorsAndNamesOnlyTheFirstFew() {
        List<String> errors = new ArrayList<>();
        for (int i = 1; i <= 5000; i++) errors.add("put service " + i + " failed: E2BIG");
        String summary = new ApplyResult(0, 0, 0, 0, 0, errors).summary();
        assertEquals("5000 errors, first 3: put service 1 failed: E2BIG; put service 2 failed: E2BIG; "
                + "put service 3 failed: E2BIG", summary);
        assertEquals("1 error: x", new ApplyResult(0, 0, 0, 0, 0, List.of("x")).summary());
        assertEquals("no errors", new ApplyResult(1, 0, 0, 0, 0, List.of()).summary());
    }
}
