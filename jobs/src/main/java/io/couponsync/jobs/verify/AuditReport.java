package io.couponsync.jobs.verify;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an audit found: how many of each kind of finding, the first few of each with their details, and the
 * figures of what was checked. Findings that break "the read model equals the finalized chain" fail the audit;
 * the others are work for other jobs (reconciliation indexes accounts no event describes and fields no event
 * writes, orphan cleanup marks documents of closed accounts) and are only reported — until those jobs have run after
 * the chain's last transaction, when the same findings fail.
 */
public final class AuditReport {

	/** The kinds of finding; {@code fails} says whether one fails the audit. */
	public enum Finding {

		MISSING_TRANSACTION(true, "finalized on chain, not staged"),
		UNSETTLED_TRANSACTION(true, "finalized on chain, staged but not applied and finalized"),
		TRANSACTION_AT_ANOTHER_SLOT(true, "staged at another slot than the chain's"),
		TRANSACTION_NOT_ON_CHAIN(true, "staged at or below the finalized slot, not on chain, not marked dropped"),
		EVENTS_OF_DROPPED_TRANSACTION(true, "dropped transaction whose events are still in chain_events"),
		UNDECODABLE_ACCOUNT(true, "account that does not decode with the IDL"),
		FIELD_DIFFERS(true, "read-model field differs from the finalized account"),
		COUNTER_DIFFERS_AT_READ(true,
				"read-model counter, less what events counted after the slot read added, differs from the finalized "
						+ "account"),
		UNFINALIZED_DOCUMENT(true, "document whose last change is final on chain, still marked confirmed"),
		ORPHANED_BUT_ON_CHAIN(true, "document marked orphaned whose account exists"),
		FIELD_NOT_RECONCILED_AFTER_RECONCILE(true,
				"account field a document lacks or holds stale though a full reconciliation listed the type after the "
						+ "chain's last transaction"),
		ACCOUNT_NOT_INDEXED_AFTER_RECONCILE(true,
				"account with no document though a full reconciliation listed the type after the chain's last "
						+ "transaction"),
		CLOSED_NOT_MARKED_AFTER_CLEANUP(true,
				"document whose account is closed, not marked orphaned though reconciliation or orphan cleanup ran "
						+ "after the chain's last transaction"),
		FIELD_NOT_RECONCILED(false, "account field no event writes, not read since the account changed "
				+ "(reconcileJob mode=full reads it)"),
		ACCOUNT_NOT_INDEXED(false, "account with no document (reconcileJob mode=full indexes it)"),
		CLOSED_NOT_MARKED(false, "document whose account is closed, not yet marked orphaned (orphanCleanupJob)");

		private final boolean fails;

		private final String meaning;

		Finding(boolean fails, String meaning) {
			this.fails = fails;
			this.meaning = meaning;
		}

		public boolean fails() {
			return fails;
		}

		public String meaning() {
			return meaning;
		}
	}

	private final int listedPerFinding;

	private final Map<Finding, Long> counts = new EnumMap<>(Finding.class);

	private final Map<Finding, List<String>> listed = new EnumMap<>(Finding.class);

	private final Map<String, Long> figures = new LinkedHashMap<>();

	public AuditReport(int listedPerFinding) {
		this.listedPerFinding = listedPerFinding;
	}

	void add(Finding finding, String detail) {
		counts.merge(finding, 1L, Long::sum);
		List<String> details = listed.computeIfAbsent(finding, f -> new ArrayList<>());
		if (details.size() < listedPerFinding) {
			details.add(detail);
		}
	}

	void count(String figure, long amount) {
		figures.merge(figure, amount, Long::sum);
	}

	public long count(Finding finding) {
		return counts.getOrDefault(finding, 0L);
	}

	public long figure(String figure) {
		return figures.getOrDefault(figure, 0L);
	}

	public List<String> details(Finding finding) {
		return listed.getOrDefault(finding, List.of());
	}

	public boolean passed() {
		return counts.keySet().stream().noneMatch(Finding::fails);
	}

	public void print(PrintStream out) {
		out.println("checked:");
		figures.forEach((figure, amount) -> out.println("  " + figure + ": " + amount));
		for (Finding finding : Finding.values()) {
			long count = count(finding);
			if (count == 0) {
				continue;
			}
			out.println((finding.fails() ? "FAIL " : "note ") + finding.name().toLowerCase().replace('_', '-') + ": "
					+ count + " " + finding.meaning());
			details(finding).forEach(detail -> out.println("  " + detail));
			if (count > details(finding).size()) {
				out.println("  … " + (count - details(finding).size()) + " more");
			}
		}
		out.println(passed() ? "verify: the read model equals the finalized chain"
				: "verify: FAILED — the read model does not equal the finalized chain");
	}
}
