package io.couponsync.jobs.console;

import java.security.Principal;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.couponsync.jobs.console.ExecutionViews.ExecutionDetail;
import io.couponsync.jobs.console.ExecutionViews.ExecutionSummary;
import io.couponsync.jobs.console.ExecutionViews.JobSummary;

/** The console as JSON under {@code /api}, for scripts and CI: every view and every action of the pages. */
@RestController
@ConditionalOnWebApplication
@RequestMapping(path = "/api", produces = "application/json")
@Tag(name = "console", description = "jobs, executions, schedules, dead letters and the pipeline")
class ConsoleApiController {

	private final ExecutionQueries queries;

	private final ExecutionActions actions;

	private final DeadLetterActions deadLetters;

	private final PipelineStatus pipeline;

	private final ScheduleActions schedules;

	ConsoleApiController(ExecutionQueries queries, ExecutionActions actions, DeadLetterActions deadLetters,
			PipelineStatus pipeline, ScheduleActions schedules) {
		this.queries = queries;
		this.actions = actions;
		this.deadLetters = deadLetters;
		this.pipeline = pipeline;
		this.schedules = schedules;
	}

	/** A launch: the job's parameters by name. */
	record LaunchRequest(Map<String, String> parameters) {
	}

	/** Dead letters to re-queue, by signature; {@code all} re-queues every one. */
	record RequeueRequest(List<String> signatures, Boolean all) {
	}

	@GetMapping("/jobs")
	@Operation(summary = "every job with its last execution, its owner and its next fire time", description = """
			owner: who launches the job on schedule after sync.jobs.schedule.triggers: QUARTZ, CRONJOB (a Kubernetes \
			CronJob), QUARTZ_AND_CRONJOB (some triggers each) or NONE (no schedule). nextFireTime: the earliest next \
			fire time of the job's Quartz triggers; absent where Quartz does not run in this process (so for every \
			job there, a CronJob's included) and for a job with no Quartz trigger (a CronJob's, or an unscheduled one).""")
	List<JobSummary> jobs() {
		return queries.jobs(schedules.configured());
	}

	@GetMapping("/executions")
	@Operation(summary = "executions newest first, filtered by job, status and creation day (ISO dates, inclusive), "
			+ "a page of limit at a time", description = """
			Filters are applied in the job repository's database, so they reach its whole history. page counts from \
			0; a page shorter than limit is the last. An unknown status or a malformed date answers 400.""")
	List<ExecutionSummary> executions(@RequestParam(required = false) String job,
			@RequestParam(required = false) String status, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, @RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "100") int limit) {
		return queries.executions(ExecutionFilter.parse(job, status, from, to), Math.max(page, 0),
				Math.min(Math.max(limit, 1), 1000)).executions();
	}

	@GetMapping("/executions/{id}")
	@Operation(summary = "one execution: parameters, exit description, execution context, step executions")
	ExecutionDetail execution(@PathVariable long id) {
		ExecutionDetail detail = queries.execution(id);
		if (detail == null) {
			throw new ConsoleActionException(HttpStatus.NOT_FOUND, "no execution " + id);
		}
		return detail;
	}

	@PostMapping("/executions/{id}/restart")
	@Operation(summary = "restart a FAILED or STOPPED execution (runs in the background; the answer names it)")
	ResponseEntity<ActionResult> restart(@PathVariable long id) {
		return ResponseEntity.accepted().body(actions.restart(id));
	}

	@PostMapping("/executions/{id}/stop")
	@Operation(summary = "stop a running execution at its next chunk boundary")
	ActionResult stop(@PathVariable long id) {
		return actions.stop(id);
	}

	@PostMapping("/executions/{id}/abandon")
	@Operation(summary = "abandon a FAILED or STOPPED execution, so it is never restarted")
	ActionResult abandon(@PathVariable long id) {
		return actions.abandon(id);
	}

	@PostMapping("/executions/{id}/acknowledge")
	@Operation(summary = "acknowledge a FAILED, STOPPED or UNKNOWN execution as seen, so retention may purge its instance")
	ActionResult acknowledge(@PathVariable long id, Principal principal) {
		return actions.acknowledge(id, principal.getName());
	}

	@PostMapping("/executions/recover")
	@Operation(summary = "mark FAILED the executions left STARTED whose lease expired (their process died)")
	ActionResult recover() {
		return actions.recover();
	}

	@PostMapping("/executions/{id}/recover")
	@Operation(summary = "mark FAILED one execution left STARTED whose lease expired (its process died); 409 while a "
			+ "live launch holds its job's lease or it is not running")
	ActionResult recover(@PathVariable long id) {
		return actions.recover(id);
	}

	@PostMapping(path = "/jobs/{name}/launch", consumes = "application/json")
	@Operation(summary = "launch a job (runs in the background, the answer names the execution): with parameters a "
			+ "new instance; without, a failed or stopped last execution is restarted, else a new instance")
	ResponseEntity<ActionResult> launch(@PathVariable String name, @RequestBody(required = false) LaunchRequest request) {
		Map<String, String> parameters = request == null || request.parameters() == null ? Map.of()
				: request.parameters();
		return ResponseEntity.accepted().body(actions.launch(name, parameters));
	}

	@GetMapping("/dead-letters")
	@Operation(summary = "dead letters newest first, 50 a page; status dead (default), requeued or all (another "
			+ "answers 400)")
	List<DeadLetterView> deadLetters(@RequestParam(defaultValue = "dead") String status,
			@RequestParam(defaultValue = "0") int page) {
		return deadLetters.page(status, page);
	}

	@GetMapping("/dead-letters/{signature}")
	@Operation(summary = "one dead letter with its reasons and raw staged input")
	DeadLetterView deadLetter(@PathVariable String signature) {
		return deadLetters.find(signature);
	}

	@PostMapping(path = "/dead-letters/requeue", consumes = "application/json")
	@Operation(summary = "re-queue dead letters by signature, or all of them")
	ActionResult requeue(@RequestBody RequeueRequest request) {
		return Boolean.TRUE.equals(request.all()) ? deadLetters.requeueAll() : deadLetters.requeue(request.signatures());
	}

	@GetMapping("/pipeline")
	@Operation(summary = "listener, lag in slots per stage, gaps, unresolved, dead letters, RPC errors, differences")
	PipelineFigures pipeline() {
		return pipeline.measure();
	}

	@GetMapping("/schedules")
	@Operation(summary = "every configured schedule: trigger, job, owner, cron or interval, Quartz state, fire times")
	List<ScheduleView> schedules() {
		return schedules.schedules();
	}

	@PostMapping("/schedules/{trigger}/pause")
	@Operation(summary = "pause a Quartz trigger")
	ActionResult pause(@PathVariable String trigger) {
		return schedules.pause(trigger);
	}

	@PostMapping("/schedules/{trigger}/resume")
	@Operation(summary = "resume a paused Quartz trigger")
	ActionResult resume(@PathVariable String trigger) {
		return schedules.resume(trigger);
	}

	@PostMapping("/schedules/{trigger}/trigger")
	@Operation(summary = "fire a Quartz trigger's job now, with the trigger's parameters")
	ActionResult triggerNow(@PathVariable String trigger) {
		return schedules.triggerNow(trigger);
	}

	@ExceptionHandler(ConsoleActionException.class)
	ProblemDetail refused(ConsoleActionException ex) {
		return ProblemDetail.forStatusAndDetail(ex.status(), ex.getMessage());
	}
}
