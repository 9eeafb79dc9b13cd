package com.chaojiyuyan.kernel.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsMadeInOneMillisecondStillSortInTheOrderTheyWereMade() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Ids.newId("tst", 1_700_000_000_000L));
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(ids).allMatch(id -> Ids.looksLike("tst", id));
    }

    @Test
    void aClockSteppingBackDoesNotMakeAnIdSortBeforeAnEarlierOne() {
        String first = Ids.newId("back", 1_800_000_000_000L);
        String second = Ids.newId("back", 1_799_999_999_000L);
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void theTimeIsTheIdsPrefix() {
        assertThat(Ids.newId("tm", 1_000L)).isLessThan(Ids.newId("tm", 2_000L));
        assertThat(Ids.newId("zero", 0L)).startsWith("zero_0000000000");
    }
}
