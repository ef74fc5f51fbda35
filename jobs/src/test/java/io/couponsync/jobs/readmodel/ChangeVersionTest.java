package io.couponsync.jobs.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A change's version orders as its stored key does, and is read back from the key it was written as. */
class ChangeVersionTest {

	private static final List<ChangeVersion> VERSIONS = List.of(new ChangeVersion(7, null, "5Zb", 0),
			new ChangeVersion(7, null, "5Zb", 1), new ChangeVersion(7, null, "5Zbc", 0), new ChangeVersion(7, 0, "9x", 3),
			new ChangeVersion(7, 0, "A1", 0), new ChangeVersion(7, 2, "1a", 0),
			ChangeVersion.endOfSlot(7, ReadModelStore.RECONCILE_SOURCE),
			ChangeVersion.endOfSlot(7, ReadModelStore.RESYNC_SOURCE), new ChangeVersion(8, null, "", 0),
			new ChangeVersion(1_000_000_000L, 12, "3k", 9));

	@Test
	void ordersAsItsKeyDoes() {
		List<ChangeVersion> byValue = new ArrayList<>(VERSIONS);
		List<ChangeVersion> byKey = new ArrayList<>(VERSIONS);
		java.util.Collections.reverse(byValue);
		java.util.Collections.reverse(byKey);

		byValue.sort(Comparator.naturalOrder());
		byKey.sort(Comparator.comparing(ChangeVersion::key));

		assertThat(byValue).isEqualTo(byKey).isEqualTo(VERSIONS);
	}

	@Test
	void keepsTheKeyFormatStoredDocumentsHold() {
		assertThat(new ChangeVersion(7, 2, "1a", 3).key()).isEqualTo("0000000000000000007.0000003.1a.0003");
		assertThat(new ChangeVersion(1_000_000_000L, null, "5Zb", 12_345).key())
			.isEqualTo("0000000001000000000.0000000.5Zb.12345");
		assertThat(ChangeVersion.endOfSlot(9, ReadModelStore.RESYNC_SOURCE).key())
			.isEqualTo("0000000000000000009.9999999.chain-resync.0000");
	}

	@Test
	void readsBackFromItsKey() {
		for (ChangeVersion version : VERSIONS) {
			assertThat(ChangeVersion.parse(version.key())).isEqualTo(version);
		}
		assertThat(ChangeVersion.parse("")).isNull();
		assertThat(ChangeVersion.parse(null)).isNull();
	}
}
