package io.couponsync.simulator;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.couponsync.simulator.ledger.AccountVersion;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An account read answers as one bank does: the data of every account is its state at the context slot the answer
 * names, even while transactions land and slots advance during the read. (A read that took its slot after reading
 * let the jobs label old data with a newer slot, and refuse the transaction that changed it as older.)
 */
class ConsistentAccountReadsIT {

	private static final int READS = 400;

	@Test
	void everyAccountInAReadIsItsStateAtTheReadsContextSlot() throws Exception {
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()))) {
			simulator.runWorkload(50);
			simulator.advanceSlots(2);
			RpcClient rpc = new RpcClient(simulator.rpcUrl());
			List<String> addresses = new ArrayList<>();
			rpc.result("getProgramAccounts", simulator.programId(),
					Map.of("encoding", "base64", "commitment", "confirmed"))
				.forEach(entry -> addresses.add(entry.get("pubkey").asString()));
			List<String> read = addresses.subList(0, Math.min(100, addresses.size()));

			AtomicBoolean running = new AtomicBoolean(true);
			Thread chain = new Thread(() -> {
				while (running.get()) {
					simulator.runWorkload(3);
					simulator.advanceSlots(1);
				}
			}, "chain");
			chain.start();
			int checked = 0;
			try {
				for (int i = 0; i < READS; i++) {
					JsonNode many = rpc.result("getMultipleAccounts", read,
							Map.of("encoding", "base64", "commitment", "confirmed"));
					long slot = many.get("context").get("slot").asLong();
					for (int a = 0; a < read.size(); a++) {
						AccountVersion atSlot = simulator.ledger().accountAt(read.get(a), slot);
						JsonNode answered = many.get("value").get(a);
						assertThat(answered.isNull()).as("%s exists at slot %d", read.get(a), slot)
							.isEqualTo(atSlot == null);
						if (atSlot != null) {
							assertThat(Base64.getDecoder().decode(answered.get("data").get(0).asString()))
								.as("%s at slot %d", read.get(a), slot).isEqualTo(atSlot.data());
							checked++;
						}
					}
				}
			}
			finally {
				running.set(false);
				chain.join();
			}
			assertThat(read).as("accounts read").isNotEmpty();
			assertThat(checked).isGreaterThan(READS);
		}
	}
}
