package io.couponsync.jobs.finality;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.chain.rpc.AccountRead;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.readmodel.ChainEvent;
import io.couponsync.jobs.accountstate.AccountDecoding;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.ChangeVersion;
import io.couponsync.jobs.readmodel.CounterJournal;
import io.couponsync.jobs.readmodel.PdaResolver;
import io.couponsync.jobs.readmodel.ProjectionContext;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelChanges;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.jobs.readmodel.Recounts;

/**
 * The fork-undo step: takes the effects of the transactions the finality step recorded in {@code fork_undos} out
 * of the read model, in an order a crash at any point cannot spoil. (1) Plan: project each one's logged events
 * again to find every document and counter it touched, and save that plan with its record — before anything
 * changes, so a restart knows it even once the events are gone. (2) Read every touched account from chain
 * (getMultipleAccounts, 100 per call), still before any change: an RPC failure fails the step with nothing
 * undone. (3) Forget the events; mark the transactions dropped, or staged at the slot they landed again in. (4)
 * Rewrite each document from its account as of the read's context slot — or mark it orphaned
 * ({@code dropped-by-fork}) when the account does not exist —, take out the fields only the undone transactions'
 * events gave, and recount. (5) Remove the records. Every stage is
 * idempotent; a failure fails the step and the job, and a restart does the remaining work.
 */
class ForkUndoTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(ForkUndoTasklet.class);

	static final String ORPHAN_REASON = "dropped-by-fork";

	/** Transactions undone per pass of the step (a fork drops a few slots: usually one pass). */
	private static final int PER_PASS = 1_000;

	private final ForkUndos undos;

	private final StagingRepository staging;

	private final ChainEventLog events;

	private final Projections projections;

	private final ReadModelStore store;

	private final Recounts recounts;

	private final CounterJournal journal;

	private final PdaResolver pdas;

	private final AccountDecoding accountDecoding;

	private final SolanaRpcClient rpc;

	private final Counter droppedCount;

	private final Counter relandedCount;

	/** Test hook: called with the name of each stage once it is done. */
	private final StageListener stages;

	/** Observes the undo's stages (tests crash it between them). */
	@FunctionalInterface
	interface StageListener {

		StageListener NONE = stage -> {
		};

		void reached(String stage);
	}

	ForkUndoTasklet(ForkUndos undos, StagingRepository staging, ChainEventLog events, Projections projections,
			ReadModelStore store, Recounts recounts, CounterJournal journal, PdaResolver pdas, AccountDecoding accountDecoding,
			SolanaRpcClient rpc, Counter droppedCount, Counter relandedCount, StageListener stages) {
		this.undos = undos;
		this.staging = staging;
		this.events = events;
		this.projections = projections;
		this.store = store;
		this.recounts = recounts;
		this.journal = journal;
		this.pdas = pdas;
		this.accountDecoding = accountDecoding;
		this.rpc = rpc;
		this.droppedCount = droppedCount;
		this.relandedCount = relandedCount;
		this.stages = stages;
	}

	/**
	 * The slot the re-read must be at least at: that of the newest dropped transaction as staged, and of the newest
	 * change of the documents it re-syncs. why: a node behind either (a load balancer may reach one) answers with
	 * state whose version cannot outrank that change, so the dropped transaction's values would stay — or, where a
	 * later transaction changed the field, what the dropped one added to it (a later award appended to the dropped
	 * one's badges). Not the slots of those landed again: a rerun after a crash finds them staged at their new slot,
	 * which may not be confirmed yet, and the undo reads confirmed state.
	 */
	private long oldestUsableReadSlot(List<String> dropped, Collection<DocumentKey> documents) {
		long newest = store.newestChangeSlot(documents);
		for (StagingRepository.Standing standing : staging.standing(dropped).values()) {
			newest = Math.max(newest, standing.slot());
		}
		return newest;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		// why: the plan reads which events are counted; an apply chunk's increments a crash left must be in first
		journal.completePending();
		List<ForkUndos.Pending> pending = undos.pending(PER_PASS);
		if (pending.isEmpty()) {
			return RepeatStatus.FINISHED;
		}
		List<String> signatures = pending.stream().map(ForkUndos.Pending::signature).toList();
		Map<String, Long> relanded = new LinkedHashMap<>();
		List<String> dropped = new ArrayList<>();
		pending.forEach(undo -> {
			if (undo.newSlot() != null) {
				relanded.put(undo.signature(), undo.newSlot());
			}
			else {
				dropped.add(undo.signature());
			}
		});

		Touched touched = plan(pending);
		stages.reached("planned");

		Map<String, DocumentKey> accounts = new LinkedHashMap<>();
		List<DocumentKey> summaries = new ArrayList<>();
		for (DocumentKey key : touched.documents) {
			if (Projections.NOT_ACCOUNTS.contains(key.collection())) {
				summaries.add(key);
			}
			else {
				accounts.put(key.id(), key);
			}
		}
		List<String> addresses = new ArrayList<>(accounts.keySet());
		List<AccountRead> states = addresses.isEmpty() ? List.of()
				: rpc.readAccounts(addresses, "confirmed", oldestUsableReadSlot(dropped, accounts.values()));
		stages.reached("accounts-read");

		events.delete(signatures);
		staging.drop(dropped);
		staging.reland(relanded);
		stages.reached("forgotten");

		ReadModelChanges resynced = new ReadModelChanges();
		Map<DocumentKey, Set<String>> accountFields = new LinkedHashMap<>();
		Set<DocumentKey> setOnceHolders = new LinkedHashSet<>();
		long readSlot = 0;
		Map<Long, List<DocumentKey>> orphansBySlot = new LinkedHashMap<>();
		for (int i = 0; i < addresses.size(); i++) {
			DocumentKey key = accounts.get(addresses.get(i));
			AccountRead state = states.get(i);
			readSlot = Math.max(readSlot, state.contextSlot());
			// why: an address holding an account the program does not own (lamports sent to a closed account's) has
			// lost the program's account all the same
			if (!accountDecoding.ownedByProgram(state)) {
				orphansBySlot.computeIfAbsent(state.contextSlot(), slot -> new ArrayList<>()).add(key);
				continue;
			}
			ChangeVersion chainState = ChangeVersion.endOfSlot(state.contextSlot(), ReadModelStore.RESYNC_SOURCE);
			BsonDocument fields = decode(key, state);
			if (fields == null) {
				continue;
			}
			Set<String> rewritten = new LinkedHashSet<>();
			for (Map.Entry<String, BsonValue> field : fields.entrySet()) {
				// why: counters stay what the counted events add up to; the decrements below take the fork's out.
				// A set-once field is not rewritten: one an undone transaction set is taken out, and the field is
				// read again at finalized (SetOnceFieldRereads)
				if (Projections.isSetOnce(key.collection(), field.getKey())) {
					setOnceHolders.add(key);
					continue;
				}
				rewritten.add(field.getKey());
				if (!recounts.isCounter(key.collection(), field.getKey())) {
					resynced.set(key.collection(), key.id(), field.getKey(), field.getValue(), chainState);
				}
			}
			accountFields.put(key, rewritten);
		}
		// why: a summary that is not an account has no read of its own; it goes when no event describes it any more
		List<DocumentKey> undescribed = summaries.stream().filter(key -> !stillDescribed(key)).toList();
		if (!undescribed.isEmpty()) {
			orphansBySlot.computeIfAbsent(readSlot, slot -> new ArrayList<>()).addAll(undescribed);
		}
		store.resync(resynced, readSlot);
		// why: before they are taken out, so that a crash in between still brings them back
		store.rereadSetOnceWhenFinalized(setOnceHolders, readSlot);
		store.forgetChangesOf(signatures, accountFields);
		bringBackEarlierValues(touched.eventOnlyFields);
		orphansBySlot.forEach((slot, keys) -> store.markOrphaned(keys, ORPHAN_REASON, slot));
		takeCountersBack(pending, touched.plans);
		recounts.writeHistories(touched.counters);
		stages.reached("restored");

		undos.done(signatures);
		droppedCount.increment(dropped.size());
		relandedCount.increment(relanded.size());
		contribution.incrementWriteCount(signatures.size());
		log.info("Fork: {} transactions dropped, {} landed again in another slot; {} documents re-read from chain, "
				+ "{} orphaned", dropped.size(), relanded.size(), addresses.size(),
				orphansBySlot.values().stream().mapToInt(List::size).sum());
		return pending.size() < PER_PASS ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
	}

	/**
	 * Gives the fields only events give ({@link Projections#EVENT_ONLY_FIELDS}) that the undone events set the newest
	 * surviving setter's value, with its version: an earlier join's discount, the null of a listing no longer sold.
	 * The store's version guard decides, so a surviving later value stays, and an older one an apply wrote while a
	 * crashed undo waited is replaced on its rerun. One read per collection and one log query per setter, for the
	 * fields the plans name only.
	 */
	private void bringBackEarlierValues(Map<DocumentKey, Set<String>> eventOnlyFields) {
		ReadModelChanges earlier = new ReadModelChanges();
		Map<String, Set<String>> existing = new LinkedHashMap<>();
		for (Projections.EventOnlyField field : Projections.EVENT_ONLY_FIELDS) {
			List<String> planned = eventOnlyFields.entrySet().stream()
				.filter(entry -> entry.getKey().collection().equals(field.collection())
						&& entry.getValue().contains(field.field()))
				.map(entry -> entry.getKey().id()).toList();
			if (planned.isEmpty()) {
				continue;
			}
			// why: a document the chain never had no longer exists once its orphan mark was cleaned up
			Set<String> stored = existing.computeIfAbsent(field.collection(), collection -> store.read(collection,
					eventOnlyFields.keySet().stream().filter(key -> key.collection().equals(collection))
						.map(DocumentKey::id).toList()).keySet());
			List<String> ids = planned.stream().filter(stored::contains).toList();
			Map<String, ChainEvent> newest = new LinkedHashMap<>();
			Map<String, Projections.Setter> newestSetter = new LinkedHashMap<>();
			for (Projections.Setter setter : field.setters()) {
				events.newestByKey(setter.event(), setter.keyField(), ids).forEach((id, event) -> {
					ChainEvent current = newest.get(id);
					if (current == null || event.version().compareTo(current.version()) > 0) {
						newest.put(id, event);
						newestSetter.put(id, setter);
					}
				});
			}
			newest.forEach((id, event) -> {
				String valueField = newestSetter.get(id).valueField();
				BsonValue value = valueField == null ? BsonNull.VALUE : event.data().get(valueField);
				if (value != null) {
					earlier.set(field.collection(), id, field.field(), value, event.version());
				}
			});
		}
		store.apply(earlier);
	}

	/** What the undone transactions touched: from each one's saved plan, or planned now from its logged events. */
	private Touched plan(List<ForkUndos.Pending> pending) {
		List<String> unplanned = pending.stream().filter(undo -> undo.plan() == null)
			.map(ForkUndos.Pending::signature).toList();
		Map<String, ProjectionContext> planned = new LinkedHashMap<>();
		unplanned.forEach(signature -> planned.put(signature, new ProjectionContext(pdas)));
		List<ChainEvent> logged = events.events(unplanned);
		Set<String> uncounted = events.uncounted(logged.stream().map(ChainEvent::id).toList());
		Map<String, List<ChainEvent>> counted = new LinkedHashMap<>();
		for (ChainEvent event : logged) {
			ProjectionContext context = planned.get(event.signature());
			context.startEvent(event);
			projections.projection(event.name()).project(event, context);
			if (!uncounted.contains(event.id())) {
				counted.computeIfAbsent(event.signature(), s -> new ArrayList<>()).add(event);
			}
		}
		Map<String, List<Document>> loggedContributions = events.loggedContributions(counted.values().stream()
			.flatMap(List::stream).map(ChainEvent::id).toList());
		Touched touched = new Touched();
		planned.forEach((signature, context) -> {
			Set<DocumentKey> documents = new LinkedHashSet<>(context.changes().documents().keySet());
			// why: a counter's document may exist only because of the dropped events (its creation never staged)
			documents.addAll(recounts.counterDocuments(context.touchedCounters()));
			Document counters = new Document();
			context.touchedCounters().forEach((counter, keys) -> counters.append(counter, new ArrayList<>(keys)));
			List<Document> decrements = new ArrayList<>();
			recounts.decrements(counted.getOrDefault(signature, List.of()), loggedContributions)
				.forEach((key, field, version, amount) ->
					decrements.add(new Document("c", key.collection()).append("id", key.id()).append("f", field)
						.append("at", CounterJournal.keyOf(version)).append("v", amount)));
			List<Document> eventOnly = new ArrayList<>();
			context.changes().documents().forEach((key, fields) -> fields.keySet().stream()
				.filter(field -> Projections.isEventOnly(key.collection(), field))
				.forEach(field -> eventOnly.add(new Document("c", key.collection()).append("id", key.id())
					.append("f", field))));
			Document plan = new Document("documents", documents.stream()
				.map(key -> new Document("c", key.collection()).append("id", key.id())).toList())
				.append("counters", counters).append("decrements", decrements).append("eventOnly", eventOnly);
			undos.savePlan(signature, plan);
			touched.add(plan);
			touched.plans.put(signature, plan);
		});
		pending.stream().filter(undo -> undo.plan() != null).forEach(undo -> touched.add(undo.plan()));
		return touched;
	}

	/**
	 * Takes the counted events of the undone transactions back out of the counters, once: the journal entry's id is
	 * the same on a retry, and completing it flags the records.
	 */
	private void takeCountersBack(List<ForkUndos.Pending> pending, Map<String, Document> planned) {
		List<ForkUndos.Pending> todo = pending.stream().filter(undo -> !undo.countersUndone()).toList();
		if (todo.isEmpty()) {
			return;
		}
		CounterJournal.Increments decrements = new CounterJournal.Increments();
		for (ForkUndos.Pending undo : todo) {
			Document plan = undo.plan() != null ? undo.plan() : planned.get(undo.signature());
			for (Document decrement : plan.getList("decrements", Document.class)) {
				decrements.add(decrement.getString("c"), decrement.getString("id"), decrement.getString("f"),
						decrement.getLong("v"), ChangeVersion.parse(decrement.getString("at")));
			}
		}
		List<String> signatures = todo.stream().map(ForkUndos.Pending::signature).sorted().toList();
		journal.apply("fork-undo:" + Integer.toHexString(signatures.hashCode()) + ":" + signatures.get(0), decrements,
				CounterJournal.FollowUps.flag(ForkUndos.COLLECTION, signatures, ForkUndos.COUNTERS_UNDONE));
	}

	/** The union of plans. */
	private static final class Touched {

		final Set<DocumentKey> documents = new LinkedHashSet<>();

		final Map<String, Set<String>> counters = new LinkedHashMap<>();

		/** The plans made in this pass, by signature. */
		final Map<String, Document> plans = new LinkedHashMap<>();

		/** The fields only events give that the undone events set, by document. */
		final Map<DocumentKey, Set<String>> eventOnlyFields = new LinkedHashMap<>();

		void add(Document plan) {
			for (Document document : plan.getList("documents", Document.class)) {
				documents.add(new DocumentKey(document.getString("c"), document.getString("id")));
			}
			List<Document> eventOnly = plan.getList("eventOnly", Document.class);
			if (eventOnly != null) {
				eventOnly.forEach(field -> eventOnlyFields.computeIfAbsent(new DocumentKey(field.getString("c"),
						field.getString("id")), key -> new LinkedHashSet<>()).add(field.getString("f")));
			}
			else {
				// why: a plan saved before plans named these fields: every such field of its documents
				for (Document document : plan.getList("documents", Document.class)) {
					DocumentKey key = new DocumentKey(document.getString("c"), document.getString("id"));
					Projections.EVENT_ONLY_FIELDS.stream().filter(field -> field.collection().equals(key.collection()))
						.forEach(field -> eventOnlyFields.computeIfAbsent(key, k -> new LinkedHashSet<>())
							.add(field.field()));
				}
			}
			plan.get("counters", Document.class).forEach((counter, keys) -> counters
				.computeIfAbsent(counter, c -> new LinkedHashSet<>()).addAll(castKeys(keys)));
		}

		@SuppressWarnings("unchecked")
		private static List<String> castKeys(Object keys) {
			return (List<String>) keys;
		}
	}

	/**
	 * Whether a document keyed by event data (a staker's summary) still has an event behind it: a stake or a claim
	 * (a history synced from after the stake holds only claims).
	 */
	private boolean stillDescribed(DocumentKey key) {
		return !Projections.STAKERS.equals(key.collection()) || events.mentions("RewardsStaked", "staker", key.id())
				|| events.mentions("RewardsClaimed", "staker", key.id());
	}

	/**
	 * The account's fields, or null — logged — for one the IDL cannot decode or knows no type of: its document is
	 * left as it is rather than the undo failing at every run (reconciliation reports it).
	 */
	private BsonDocument decode(DocumentKey key, AccountRead state) {
		try {
			AccountDecoding.DecodedAccount decoded = accountDecoding.decode(state);
			if (decoded == null) {
				log.warn("Account {} of {}, re-read after a fork, is of no type the IDL knows: its document is left "
						+ "as it is", key.id(), key.collection());
			}
			return decoded == null ? null : decoded.fields();
		}
		catch (AccountDecoding.UndecodableAccountException ex) {
			log.warn("Account {} of {}, re-read after a fork, is left as it is: {}", key.id(), key.collection(),
					ex.getMessage());
			return null;
		}
	}
}
