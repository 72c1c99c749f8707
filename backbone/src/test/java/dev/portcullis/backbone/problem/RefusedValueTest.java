package dev.portcullis.backbone.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the database refused of a value reaches the caller with the column, rule or length it names (PostgreSQL's own messages). */
class RefusedValueTest {

    @Test
    void eachRefusalNamesWhatToMend() {
        assertEquals("a required value is missing (home_tenant_id)", ProblemMapper.refusedValue("23502",
                "ERROR: null value in column \"home_tenant_id\" of relation \"guest\" violates not-null constraint\n  Detail: Failing row contains (...)"));
        assertEquals("a value breaks the rule guest_state_check", ProblemMapper.refusedValue("23514",
                "ERROR: new row for relation \"guest\" violates check constraint \"guest_state_check\""));
        assertEquals("a value is longer than 255 characters", ProblemMapper.refusedValue("22001",
                "ERROR: value too long for type character varying(255)"));
        assertEquals("a value is not acceptable: invalid input syntax for type uuid: \"x\"", ProblemMapper.refusedValue("22P02",
                "ERROR: invalid input syntax for type uuid: \"x\"\n  Where: unnamed portal parameter $1"));
    }
}
