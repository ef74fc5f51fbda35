package io.couponsync.jobs.console;

import java.security.Principal;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.batch.core.BatchStatus;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import io.couponsync.jobs.console.ExecutionQueries.ExecutionPage;
import io.couponsync.jobs.console.ExecutionViews.ExecutionDetail;

/**
 * The console's pages (Thymeleaf, htmx for live refresh): jobs and pipeline at {@code /}, executions with their
 * detail and actions, Quartz schedules, dead letters. Every action answers with a redirect to the page that shows its effect, with
 * what it did (or why it was refused) at the top.
 */
@Controller
@ConditionalOnWebApplication
class ConsolePageController {

	/** Executions a page of the list shows. */
	static final int PAGE_SIZE = 100;

	private final ExecutionQueries queries;

	private final ExecutionActions actions;

	private final DeadLetterActions deadLetters;

	private final PipelineStatus pipeline;

	private final ScheduleActions schedules;

	ConsolePageController(ExecutionQueries queries, ExecutionActions actions, DeadLetterActions deadLetters,
			PipelineStatus pipeline, ScheduleActions schedules) {
		this.queries = queries;
		this.actions = actions;
		this.deadLetters = deadLetters;
		this.pipeline = pipeline;
		this.schedules = schedules;
	}

	@GetMapping("/")
	String jobs(Model model) {
		List<ScheduleView> configured = schedules.configured();
		model.addAttribute("jobs", queries.jobs(configured));
		model.addAttribute("schedulesByJob", configured.stream().collect(Collectors.groupingBy(ScheduleView::job)));
		model.addAttribute("pipeline", pipeline.measure());
		return "jobs";
	}

	@GetMapping("/pipeline")
	String pipeline(Model model) {
		model.addAttribute("pipeline", pipeline.measure());
		return "pipeline";
	}

	@GetMapping("/executions")
	String executions(@RequestParam(required = false) String job, @RequestParam(required = false) String status,
			@RequestParam(required = false) String from, @RequestParam(required = false) String to,
			@RequestParam(defaultValue = "0") int page, Model model, HttpServletResponse response) {
		ExecutionFilter filter;
		ExecutionPage found;
		try {
			filter = ExecutionFilter.parse(job, status, from, to);
			found = queries.executions(filter, Math.max(page, 0), PAGE_SIZE);
		}
		catch (ConsoleActionException ex) {
			// why: rather than an error page, the list page with a blank filter form and what was wrong with the filter
			response.setStatus(ex.status().value());
			model.addAttribute("error", ex.getMessage());
			filter = ExecutionFilter.ANY;
			found = new ExecutionPage(List.of(), 0, PAGE_SIZE, false);
		}
		model.addAttribute("executions", found.executions());
		model.addAttribute("page", found.page());
		model.addAttribute("hasOlder", found.hasOlder());
		model.addAttribute("jobNames", queries.jobNames());
		model.addAttribute("statuses", BatchStatus.values());
		model.addAttribute("job", filter.job());
		model.addAttribute("status", filter.status() == null ? null : filter.status().name());
		model.addAttribute("from", filter.from());
		model.addAttribute("to", filter.to());
		return "executions";
	}

	@GetMapping("/executions/{id}")
	String execution(@PathVariable long id, Model model) {
		ExecutionDetail detail = queries.execution(id);
		if (detail == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no execution " + id);
		}
		model.addAttribute("execution", detail);
		model.addAttribute("awaitsAcknowledgement", actions.awaitsAcknowledgement(detail.summary()));
		model.addAttribute("recoverable", detail.summary().stoppable() && actions.recoverable(id));
		return "execution";
	}

	@PostMapping("/executions/{id}/restart")
	String restart(@PathVariable long id, RedirectAttributes redirect) {
		String job = jobOf(id);
		return act(() -> actions.restart(id), redirect, "/executions?job=" + job);
	}

	@PostMapping("/executions/{id}/stop")
	String stop(@PathVariable long id, RedirectAttributes redirect) {
		return act(() -> actions.stop(id), redirect, "/executions/" + id);
	}

	@PostMapping("/executions/{id}/abandon")
	String abandon(@PathVariable long id, RedirectAttributes redirect) {
		return act(() -> actions.abandon(id), redirect, "/executions/" + id);
	}

	@PostMapping("/executions/{id}/acknowledge")
	String acknowledge(@PathVariable long id, Principal principal, RedirectAttributes redirect) {
		return act(() -> actions.acknowledge(id, principal.getName()), redirect, "/executions/" + id);
	}

	@PostMapping("/executions/recover")
	String recover(RedirectAttributes redirect) {
		return act(actions::recover, redirect, "/executions");
	}

	@PostMapping("/executions/{id}/recover")
	String recover(@PathVariable long id, RedirectAttributes redirect) {
		return act(() -> actions.recover(id), redirect, "/executions/" + id);
	}

	@GetMapping("/schedules")
	String schedules(Model model) {
		boolean quartz = schedules.quartzAvailable();
		model.addAttribute("quartz", quartz);
		model.addAttribute("schedules", quartz ? schedules.schedules() : List.of());
		return "schedules";
	}

	@PostMapping("/schedules/{trigger}/pause")
	String pause(@PathVariable String trigger, RedirectAttributes redirect) {
		return act(() -> schedules.pause(trigger), redirect, "/schedules");
	}

	@PostMapping("/schedules/{trigger}/resume")
	String resume(@PathVariable String trigger, RedirectAttributes redirect) {
		return act(() -> schedules.resume(trigger), redirect, "/schedules");
	}

	@PostMapping("/schedules/{trigger}/trigger")
	String triggerNow(@PathVariable String trigger, RedirectAttributes redirect) {
		return act(() -> schedules.triggerNow(trigger), redirect, "/schedules");
	}

	@PostMapping("/jobs/{name}/launch")
	String launch(@PathVariable String name, @RequestParam(defaultValue = "") String parameters,
			RedirectAttributes redirect) {
		String target = UriComponentsBuilder.fromPath("/executions").queryParam("job", name).build().encode()
			.toUriString();
		return act(() -> actions.launch(name, LaunchParameters.parseLines(parameters)), redirect, target);
	}

	@GetMapping("/dead-letters")
	String deadLetters(@RequestParam(defaultValue = "dead") String status, @RequestParam(defaultValue = "0") int page,
			Model model, HttpServletResponse response) {
		try {
			model.addAttribute("deadLetters", deadLetters.page(status, page));
		}
		catch (ConsoleActionException ex) {
			// why: as for the executions' filter: the list page, empty, saying what was wrong
			response.setStatus(ex.status().value());
			model.addAttribute("error", ex.getMessage());
			model.addAttribute("deadLetters", List.of());
		}
		model.addAttribute("status", status);
		model.addAttribute("page", page);
		model.addAttribute("pageSize", DeadLetterActions.PAGE_SIZE);
		return "dead-letters";
	}

	@GetMapping("/dead-letters/{signature}")
	String deadLetter(@PathVariable String signature, Model model) {
		try {
			model.addAttribute("deadLetter", deadLetters.find(signature));
		}
		catch (ConsoleActionException ex) {
			throw new ResponseStatusException(ex.status(), ex.getMessage());
		}
		return "dead-letter";
	}

	@PostMapping("/dead-letters/requeue")
	String requeue(@RequestParam(name = "signature", required = false) List<String> signatures,
			RedirectAttributes redirect) {
		return act(() -> deadLetters.requeue(signatures), redirect, "/dead-letters");
	}

	@PostMapping("/dead-letters/requeue-all")
	String requeueAll(RedirectAttributes redirect) {
		return act(deadLetters::requeueAll, redirect, "/dead-letters");
	}

	private String jobOf(long id) {
		ExecutionDetail detail = queries.execution(id);
		return detail == null ? "" : detail.summary().jobName();
	}

	private static String act(Supplier<ActionResult> action, RedirectAttributes redirect, String target) {
		try {
			redirect.addFlashAttribute("result", action.get().message());
		}
		catch (ConsoleActionException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:" + target;
	}
}
