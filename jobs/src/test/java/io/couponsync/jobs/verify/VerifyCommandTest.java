package io.couponsync.jobs.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.bson.BsonArray;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.readmodel.ChangeVersion;

class VerifyCommandTest {

	@Test
	void rejectsArgumentsItDoesNotKnowBeforeStartingAnything() {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);

		assertThat(VerifyCommand.run(JobsApplication.class, new String[] { "fromSlot=abc" }, System.out, errors)).isEqualTo(2);
		assertThat(VerifyCommand.run(JobsApplication.class, new String[] { "since=5" }, System.out, errors)).isEqualTo(2);
		assertThat(VerifyCommand.run(JobsApplication.class, new String[] { "listed" }, System.out, errors)).isEqualTo(2);

		assertThat(err.toString(StandardCharsets.UTF_8)).contains("'fromSlot=abc' is not one of fromSlot=<slot>",
				"'since=5'", "'listed'");
	}

	@Test
	void comparesNumbersByValueWhateverTheirBsonType() {
		assertThat(AccountAudit.sameValue(new BsonInt32(7), new BsonInt64(7))).isTrue();
		assertThat(AccountAudit.sameValue(new BsonInt64(7), new BsonDecimal128(Decimal128.parse("7")))).isTrue();
		assertThat(AccountAudit.sameValue(new BsonInt64(7), new BsonInt64(8))).isFalse();
		assertThat(AccountAudit.sameValue(new BsonString("7"), new BsonInt64(7))).isFalse();
	}

	@Test
	void leavesAloneAFieldACountersChangeSetAfterTheSlotRead() {
		// a user's tier, set in the update that counts its reputation: the document's lastSlot stays where it was
		BsonString tierVersion = new BsonString(new ChangeVersion(200, 3, "sig", 0).key());

		assertThat(AccountAudit.versionAfter(tierVersion, 150)).isTrue();
		assertThat(AccountAudit.versionAfter(tierVersion, 200)).isFalse();
		assertThat(AccountAudit.versionAfter(null, 150)).as("never versioned").isFalse();
	}

	@Test
	void showsValuesAsAnOperatorReadsThem() {
		assertThat(AccountAudit.display(new BsonInt64(1767225600L))).isEqualTo("1767225600");
		assertThat(AccountAudit.display(new BsonInt32(-3))).isEqualTo("-3");
		assertThat(AccountAudit.display(new BsonDecimal128(Decimal128.parse("18446744073709551615"))))
			.isEqualTo("18446744073709551615");
		assertThat(AccountAudit.display(new BsonString("Café"))).isEqualTo("Café");
		assertThat(AccountAudit.display(new org.bson.BsonBinary(new byte[] { 0, 4, (byte) 255 }))).isEqualTo("0x0004ff");
		assertThat(AccountAudit.display(new BsonDocument("Rect", new BsonDocument("width", new BsonInt32(3)))))
			.isEqualTo("{\"Rect\": {\"width\": 3}}");
		assertThat(AccountAudit.display(new BsonArray(java.util.List.of(new BsonInt32(1), new BsonInt32(2)))))
			.isEqualTo("[1, 2]");
	}

	@Test
	void comparesStructsAndVectorsFieldByField() {
		BsonDocument stored = new BsonDocument("Rect", new BsonDocument("width", new BsonInt32(3)));
		assertThat(AccountAudit.sameValue(stored,
				new BsonDocument("Rect", new BsonDocument("width", new BsonInt64(3))))).isTrue();
		assertThat(AccountAudit.sameValue(stored,
				new BsonDocument("Rect", new BsonDocument("width", new BsonInt64(4))))).isFalse();
		assertThat(AccountAudit.sameValue(stored, new BsonDocument("Rect", new BsonDocument()))).isFalse();
		assertThat(AccountAudit.sameValue(new BsonArray(java.util.List.of(new BsonInt32(1))),
				new BsonArray(java.util.List.of(new BsonInt64(1))))).isTrue();
		assertThat(AccountAudit.sameValue(new BsonArray(java.util.List.of(new BsonInt32(1))),
				new BsonArray())).isFalse();
	}
}
