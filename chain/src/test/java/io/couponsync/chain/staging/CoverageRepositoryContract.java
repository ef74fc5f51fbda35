package io.couponsync.chain.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;

/**
 * What every coverage repository must do, each operation; each implementation's test extends this. Repositories
 * of two programs share the store, as they would in production.
 */
public abstract class CoverageRepositoryContract {

	/** The repository of the program under test. */
	protected abstract CoverageRepository repository();

	/** The repository of another program, over the same store. */
	protected abstract CoverageRepository otherProgram();

	@Test
	void aListenerCheckpointOnlyMovesForward() {
		ListenerCoverage listener = repository().listener("a");
		assertThat(listener.checkpoint()).isEqualTo(new ListenerCoverage.Checkpoint(null, null, null));

		listener.advance(100, "s100", null);
		listener.advance(90, "s90", 50L);
		listener.rememberRoot(40);

		assertThat(listener.checkpoint()).as("an older batch moves neither the slot, its signature, nor the root back")
			.isEqualTo(new ListenerCoverage.Checkpoint(100L, "s100", 50L));
		listener.advance(120, "s120", 60L);
		listener.rememberRoot(70);
		assertThat(listener.checkpoint()).isEqualTo(new ListenerCoverage.Checkpoint(120L, "s120", 70L));
		assertThat(repository().listener("b").checkpoint()).as("one per listener")
			.isEqualTo(new ListenerCoverage.Checkpoint(null, null, null));
		assertThat(listener.listenerId()).isEqualTo("a");
	}

	@Test
	void aRootAloneStartsACheckpoint() {
		ListenerCoverage listener = repository().listener("r");
		listener.rememberRoot(33);

		assertThat(listener.checkpoint()).isEqualTo(new ListenerCoverage.Checkpoint(null, null, 33L));
	}

	@Test
	void aListenerHasAtMostOneOpenGapAndClosesIt() {
		ListenerCoverage listener = repository().listener("a");

		assertThat(listener.closeGap(5)).as("nothing open").isEmpty();
		assertThat(listener.openGap(10, "disconnected")).isTrue();
		assertThat(listener.openGap(12, "failed connect")).as("already open").isFalse();
		assertThat(repository().listener("b").openGap(11, "stopped")).as("another listener's own gap").isTrue();

		assertThat(listener.closeGap(20)).contains(new ListenerCoverage.Gap("a", 10, 20L, "disconnected"));
		assertThat(listener.closeGap(25)).as("closed once").isEmpty();
		assertThat(repository().unfilledGaps()).isEqualTo(2);
		assertThat(listener.openGap(30, "again")).as("a new one once the last is closed").isTrue();
		assertThat(repository().unfilledGaps()).isEqualTo(3);
	}

	@Test
	void theCrawlerFillsOnlyClosedGapsItCoveredAndCountsTheRest() {
		ListenerCoverage a = repository().listener("a");
		ListenerCoverage b = repository().listener("b");
		a.openGap(100, "x");
		a.closeGap(110);
		a.openGap(200, "y");
		a.closeGap(230);
		b.openGap(300, "still open");
		otherProgram().listener("c").openGap(100, "another program's");
		otherProgram().listener("c").closeGap(105);

		assertThat(repository().unfilledGapSlots(350)).as("10 + 30 + the open one up to the tip, 50")
			.isEqualTo(90);
		assertThat(repository().fillGapsWithin(90, 220)).as("only the first lies within").isEqualTo(1);
		assertThat(repository().fillGapsWithin(90, 220)).as("filled once").isZero();
		assertThat(repository().fillGapsWithin(0, 10_000)).as("closed ones only; the open one stays")
			.isEqualTo(1);

		assertThat(repository().unfilledGaps()).isEqualTo(1);
		assertThat(repository().unfilledGapSlots(350)).isEqualTo(50);
		assertThat(otherProgram().unfilledGaps()).as("another program's gaps are its own").isEqualTo(1);
	}

	@Test
	void theCrawlCheckpointIsPerProgram() {
		assertThat(repository().crawlCheckpoint()).isEmpty();

		repository().advanceCrawl("sig-1", 100);
		repository().advanceCrawl("sig-2", 150);

		assertThat(repository().crawlCheckpoint()).contains(new CoverageRepository.CrawlCheckpoint("sig-2", 150));
		assertThat(otherProgram().crawlCheckpoint()).isEmpty();
	}

	@Test
	void heartbeatsSayWhoIsConnectedAndUntilWhenToBelieveIt() {
		Instant since = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
		Instant notified = Instant.now().minusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
		repository().listener("a").beat(since, notified, Duration.ofSeconds(30));
		repository().listener("b").beat(null, null, Duration.ofSeconds(30));
		otherProgram().listener("c").beat(since, notified, Duration.ofSeconds(30));

		assertThat(repository().heartbeats()).hasSize(2);
		ListenerCoverage.Heartbeat a = repository().heartbeats().stream()
			.filter(beat -> beat.listenerId().equals("a")).findFirst().orElseThrow();
		assertThat(a.connected()).isTrue();
		assertThat(a.connectedSince()).isEqualTo(since);
		assertThat(a.lastNotificationAt()).isEqualTo(notified);
		assertThat(a.alive(Instant.now())).isTrue();
		assertThat(a.alive(Instant.now().plusSeconds(31))).as("a report stops counting once it expired").isFalse();

		repository().listener("a").beat(null, notified, Duration.ofSeconds(30));
		assertThat(repository().heartbeats()).as("the last report replaces the one before")
			.filteredOn(beat -> beat.listenerId().equals("a")).singleElement()
			.satisfies(beat -> assertThat(beat.connected()).isFalse());
		assertThat(repository().heartbeats()).filteredOn(beat -> beat.listenerId().equals("b")).singleElement()
			.satisfies(beat -> assertThat(beat.connected()).isFalse());
	}
}
