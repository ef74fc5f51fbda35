package io.couponsync.simulator.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.idl.IdlInstruction;
import io.couponsync.simulator.ledger.LedgerTransaction;

/** A seeded run of the workload lands every instruction of the program, successful ones included. */
class WorkloadCoverageTest {

	@Test
	void threeThousandTransactionsRunEveryInstruction() {
		ProgramHarness harness = new ProgramHarness();
		MarketplaceWorkload workload = new MarketplaceWorkload(harness.program, 1,
				MarketplaceWorkload.Options.plain());
		for (int i = 0; i < 300; i++) {
			for (int j = 0; j < 10; j++) {
				workload.step();
			}
			harness.ledger.advanceSlot();
		}
		Map<String, Integer> counts = new TreeMap<>();
		for (IdlInstruction instruction : ProgramHarness.IDL.instructions()) {
			counts.put(instruction.name(), 0);
		}
		for (LedgerTransaction transaction : harness.ledger.transactions()) {
			if (!transaction.failed()) {
				counts.merge(ProgramHarness.instructionName(transaction, harness.program.programId()), 1, Integer::sum);
			}
		}
		StringBuilder table = new StringBuilder("transactions per instruction (")
			.append(harness.ledger.transactionCount()).append(" landed, ").append(workload.rejected())
			.append(" rejected tries):\n");
		counts.forEach((name, count) -> table.append(String.format("  %-28s %5d%n", name, count)));
		table.append("rejected tries by error: ").append(workload.rejectionsByError());
		System.out.println(table);
		assertThat(counts).allSatisfy((name, count) -> assertThat(count).as(name).isPositive());
	}
}
