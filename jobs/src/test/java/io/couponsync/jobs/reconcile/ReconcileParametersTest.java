package io.couponsync.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;


/** reconcileJob's parameters as the run command passes them (text), their defaults and their validation. */
class ReconcileParametersTest {

	private static JobParameters parameters(String... pairs) {
		JobParametersBuilder builder = new JobParametersBuilder();
		for (int i = 0; i < pairs.length; i += 2) {
			builder.addString(pairs[i], pairs[i + 1]);
		}
		return builder.toJobParameters();
	}

	@Test
	void defaultsToAnIncrementalRunOfEveryTypeThatWrites() {
		ReconcileParameters defaults = ReconcileParameters.of(new JobParameters());

		assertThat(defaults.full()).isFalse();
		assertThat(defaults.dryRun()).isFalse();
		// why: written out, not taken from the projections' map, so a type missing there fails here too
		assertThat(defaults.types()).as("the IDL's 18 account types").containsExactlyInAnyOrder("BadgeNFT", "Bid",
				"Comment", "CommentLike", "Coupon", "CouponAuction", "ExternalDeal", "GroupDeal", "GroupParticipant",
				"Listing", "Marketplace", "Merchant", "Promotion", "Rating", "RedemptionTicket", "StakeAccount",
				"StakingPool", "UserStats");
	}

	@Test
	void readsModeTypesAndDryRun() {
		ReconcileParameters full = ReconcileParameters.of(parameters("mode", "full", "types", " Coupon, Merchant,Coupon",
				"dryRun", "true"));

		assertThat(full.full()).isTrue();
		assertThat(full.types()).containsExactly("Coupon", "Merchant");
		assertThat(full.dryRun()).isTrue();
	}

	@Test
	void rejectsWhatItDoesNotKnowBeforeAnythingRuns() {
		ReconcileParameters.Validator validator = new ReconcileParameters.Validator();

		assertThatCode(() -> validator.validate(parameters("mode", "incremental", "dryRun", "false")))
			.doesNotThrowAnyException();
		assertThatThrownBy(() -> validator.validate(parameters("mode", "partial")))
			.isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("mode=partial");
		assertThatThrownBy(() -> validator.validate(parameters("mode", "full", "types", "Coupon,Stakers")))
			.hasMessageContaining("Stakers is not an account type");
		assertThatThrownBy(() -> validator.validate(parameters("types", "Coupon")))
			.hasMessageContaining("types is for mode=full only");
		assertThatCode(() -> validator.validate(parameters("mode", "full", "types", "Coupon")))
			.doesNotThrowAnyException();
		assertThatThrownBy(() -> validator.validate(parameters("dryRun", "yes"))).hasMessageContaining("dryRun=yes");
	}
}
