package io.couponsync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.logs.DecodedEvent;
import io.couponsync.chain.logs.TransactionEvents;
import io.couponsync.chain.value.PublicKey;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.MarketplaceWorkload;

/** What the simulator serves decodes with the project's decoder, and its events agree with its accounts. */
class GroundTruthIT {

	@Test
	void servesEveryEventAndAccountOfTheProgramDecodablyAndConsistently() {
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()).withWorkload(new MarketplaceWorkload.Options(0.1, 0.1, 0.03, 0.01)))) {
			for (int slot = 0; slot < 300; slot++) {
				simulator.runWorkload(10);
				simulator.advanceSlots(1);
			}
			GroundTruth truth = simulator.groundTruth();
			Map<String, GroundTruth.Account> accounts = truth.accounts(Commitment.PROCESSED);
			Map<String, Integer> eventCounts = new HashMap<>();
			Set<String> accountTypes = new HashSet<>();
			accounts.values().forEach(account -> accountTypes.add(account.type()));
			int truncated = 0;
			int failed = 0;
			int viaCpi = 0;
			for (LedgerTransaction transaction : truth.transactions()) {
				TransactionEvents events = truth.events(transaction);
				assertThat(events.errors()).as(transaction.signature()).isEmpty();
				truncated += events.truncated() ? 1 : 0;
				failed += transaction.failed() ? 1 : 0;
				for (DecodedEvent event : events.events()) {
					eventCounts.merge(event.name(), 1, Integer::sum);
					viaCpi += event.source() == DecodedEvent.Source.CPI ? 1 : 0;
					if (!transaction.failed()) {
						assertAddressedAccountExists(event, accounts);
					}
				}
				if (transaction.failed()) {
					assertThat(transaction.draft().writes()).isEmpty();
				}
			}
			assertThat(eventCounts.keySet()).as("every event the program emits occurs").hasSize(26)
				.doesNotContain("MerchantRated");
			assertThat(accountTypes).as("every account type of the program exists").hasSize(18);
			assertThat(truncated).isPositive();
			assertThat(failed).isPositive();
			assertThat(viaCpi).isPositive();
		}
	}

	/**
	 * Events that name the account they change point at an account that exists. Tickets and auctions are left
	 * out: cancel_redemption_ticket closes an unused ticket (with no event) and cancel_auction closes an auction.
	 */
	private static void assertAddressedAccountExists(DecodedEvent event, Map<String, GroundTruth.Account> accounts) {
		String field = switch (event.name()) {
			case "CouponMinted", "CouponTransferred", "CouponRedeemed" -> "coupon";
			case "CouponListed", "CouponSold", "ListingCancelled" -> "listing";
			case "MerchantRegistered" -> "merchant";
			case "PromotionCreated" -> "promotion";
			case "CommentAdded", "CommentLiked" -> "comment";
			case "GroupDealCreated", "GroupDealJoined", "GroupDealFinalized", "GroupDealRefunded" -> "group_deal";
			case "ExternalDealUpdated" -> "deal";
			case "MarketplaceInitialized" -> "marketplace";
			default -> null;
		};
		if (field != null) {
			String address = ((PublicKey) event.fields().get(field)).toBase58();
			assertThat(accounts).as(event.name() + "." + field).containsKey(address);
		}
	}
}
