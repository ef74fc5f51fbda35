package io.couponsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * The manifests in k8s-cronjobs/, rendered overlay by overlay ({@link Kustomization}) into the fabric8 Kubernetes
 * model, checked against the applications they deploy: the jobs the CronJobs run exist, every environment variable
 * set is one the applications read, the probes hit the applications' health groups on the port they listen on, that
 * port has a Service and Prometheus annotations, pods outlive the jobs' graceful shutdown, the configuration mounted
 * is what the applications read, every overlay serves the console, and no job is launched both by Quartz and by a
 * CronJob.
 */
class KubernetesManifestsTest {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Path MANIFESTS = ROOT.resolve("k8s-cronjobs");

	private static final ApplicationConfiguration CONFIGURATION = ApplicationConfiguration.load(ROOT.resolve("config"));

	private static final Set<String> JOBS = JobCatalog.jobNames();

	/** The images' working directory, where config/ must be (the jib configuration in the parent pom). */
	private static final String WORKING_DIRECTORY = ImageSettings.workingDirectory(ROOT.resolve("pom.xml"));

	static Stream<Path> overlays() throws IOException {
		try (Stream<Path> overlays = Files.list(MANIFESTS.resolve("overlays"))) {
			return overlays.filter(Files::isDirectory).sorted().toList().stream();
		}
	}

	@Test
	void theJobsApplicationAndItsConfigurationAreFound() {
		assertThat(JOBS).isNotEmpty().allMatch(name -> name.endsWith("Job"));
		assertThat(CONFIGURATION.placeholders(Application.JOBS)).contains("MONGODB_URI", "JOB_REPOSITORY_URL",
				"LEASE_SAME_JOB_WAIT");
		assertThat(CONFIGURATION.placeholders(Application.LISTENER)).contains("MONGODB_URI", "LISTENER_PORT")
			.doesNotContain("JOB_REPOSITORY_URL", "LEASE_SAME_JOB_WAIT");
		assertThat(CONFIGURATION.propertyCount(Application.JOBS)).isGreaterThan(1000);
		assertThat(CONFIGURATION.reads(Application.JOBS, "SYNC_JOBS_SHUTDOWNTIMEOUT")).isTrue();
		assertThat(CONFIGURATION.reads(Application.JOBS, "MANAGEMENT_SERVER_PORT")).isTrue();
		assertThat(CONFIGURATION.reads(Application.JOBS, "SYNC_JOBS_SHUTDOWN_TIMEOUTS")).isFalse();
		assertThat(CONFIGURATION.reads(Application.LISTENER, "JOB_REPOSITORY_URL")).as("a jobs-only variable")
			.isFalse();
		assertThat(WORKING_DIRECTORY).startsWith("/");
	}

	@Test
	void everyOverlayDeploysTheListenerAndLaunchesTheJobsOneWayOrTheOther() throws IOException {
		List<Kustomization> rendered = overlays().map(Kustomization::render).toList();
		assertThat(rendered).isNotEmpty();
		assertThat(rendered).allMatch(overlay -> Workload.of(overlay).stream()
			.flatMap(workload -> workload.applicationContainers().stream())
			.anyMatch(container -> Workload.application(container) == Application.LISTENER));
		assertThat(rendered).allMatch(overlay -> !overlay.resources(CronJob.class).isEmpty()
				|| !schedulingDeployments(overlay).isEmpty());
		assertThat(rendered).as("some overlay runs CronJobs").anyMatch(overlay -> !overlay.resources(CronJob.class).isEmpty());
		assertThat(rendered).as("some overlay runs the jobs Deployment")
			.anyMatch(overlay -> !schedulingDeployments(overlay).isEmpty());
		assertThat(rendered).as("every overlay serves the console (a jobs Deployment, scheduling or not)")
			.allMatch(overlay -> !jobsDeployments(overlay).isEmpty());
	}

	@Test
	void everyFileInK8sCronjobsIsPartOfAnOverlay() throws IOException {
		Set<Path> used = new TreeSet<>();
		overlays().map(Kustomization::render).forEach(overlay -> {
			used.addAll(overlay.manifestFiles());
			used.addAll(overlay.generatorFiles());
		});
		// why: monitoring/ holds a Grafana dashboard and Prometheus alert rules, read by those tools, not kubectl
		// (MonitoringMetricsIT in the jobs module checks them)
		Path monitoring = MANIFESTS.resolve("monitoring").normalize();
		try (Stream<Path> files = Files.walk(MANIFESTS)) {
			assertThat(files.filter(Files::isRegularFile).map(Path::normalize)
				.filter(file -> !file.startsWith(monitoring)).toList()).allMatch(used::contains);
		}
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void everyObjectParsesIntoTheKubernetesModelWithoutUnknownFields(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		assertThat(rendered.resources()).isNotEmpty();
		for (HasMetadata resource : rendered.resources()) {
			assertThat(resource.getMetadata().getName()).isNotBlank();
			assertThat(UnknownFields.of(resource)).as(resource.getKind() + " " + resource.getMetadata().getName())
				.isEmpty();
		}
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void theConfigMapGeneratorsFilesExist(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		assertThat(rendered.generatorFiles()).isNotEmpty().allMatch(Files::isRegularFile);
		assertThat(rendered.generatorFiles()).contains(ROOT.resolve("config/application.yml"));
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void everyCronJobHasItsLimitsAndRunsOneRunToItsEnd(Path overlay) {
		for (CronJob cronJob : Kustomization.render(overlay).resources(CronJob.class)) {
			String name = cronJob.getMetadata().getName();
			var spec = cronJob.getSpec();
			assertThat(spec.getSchedule()).as(name).isNotBlank();
			assertThat(spec.getSchedule().trim().split("\\s+")).as(name + " schedule fields").hasSize(5);
			assertThat(spec.getConcurrencyPolicy()).as(name).isEqualTo("Forbid");
			assertThat(spec.getStartingDeadlineSeconds()).as(name).isNotNull().isPositive();
			assertThat(spec.getTimeZone()).as(name).isNotBlank();
			assertThat(ZoneId.of(spec.getTimeZone())).as(name).isNotNull();
			JobSpec job = spec.getJobTemplate().getSpec();
			assertThat(job.getBackoffLimit()).as(name).isNotNull().isNotNegative();
			assertThat(job.getActiveDeadlineSeconds()).as(name).isNotNull().isPositive();
			assertThat(job.getTtlSecondsAfterFinished()).as(name).isNotNull().isPositive();
			assertThat(job.getTemplate().getSpec().getRestartPolicy()).as(name).isEqualTo("Never");
			for (Container container : job.getTemplate().getSpec().getContainers()) {
				assertThat(container.getResources()).as(name).isNotNull();
				assertThat(container.getResources().getRequests()).as(name + " requests").containsKeys("cpu", "memory");
				assertThat(container.getResources().getLimits()).as(name + " limits").containsKey("memory");
			}
		}
	}

	/**
	 * What the JVM needs beside its heap (metaspace, code cache, the collector, threads, buffers), measured with Native
	 * Memory Tracking and given a fifth more: 165 MB committed outside the heap for the listener at 200
	 * transactions/s, 180-195 MB for each job's run, 255 MB for the jobs application with its schedules and console.
	 */
	private static final long LISTENER_BESIDE_THE_HEAP_MIB = 200;

	private static final long JOB_RUN_BESIDE_THE_HEAP_MIB = 240;

	private static final long JOBS_APPLICATION_BESIDE_THE_HEAP_MIB = 310;

	/**
	 * A pod whose heap grew to the maximum the image's {@code MaxRAMPercentage} gives it must still fit its memory
	 * limit, or it is OOM-killed under load.
	 */
	@ParameterizedTest
	@MethodSource("overlays")
	void everyApplicationContainersMemoryLimitHoldsItsLargestHeapAndTheRestOfTheJvm(Path overlay) {
		double heapShare = ImageSettings.maxRamPercentage(ROOT.resolve("pom.xml")) / 100;
		Kustomization rendered = Kustomization.render(overlay);
		for (Workload workload : Workload.of(rendered)) {
			for (Container container : workload.applicationContainers()) {
				String name = workload.name() + "/" + container.getName();
				assertThat(Workload.environment(container, rendered))
					.as(name + ": the heap is sized by the image's flags alone").doesNotContainKeys("JAVA_TOOL_OPTIONS",
							"JDK_JAVA_OPTIONS");
				assertThat(container.getArgs()).as(name).noneMatch(argument -> argument.startsWith("-X"));
				Quantity limit = container.getResources().getLimits().get("memory");
				assertThat(limit).as(name + " memory limit").isNotNull();
				long limitMib = Quantity.getAmountInBytes(limit).longValue() / (1024 * 1024);
				long besideTheHeap = Workload.application(container) == Application.LISTENER
						? LISTENER_BESIDE_THE_HEAP_MIB
						: workload.kind().equals("CronJob") ? JOB_RUN_BESIDE_THE_HEAP_MIB
								: JOBS_APPLICATION_BESIDE_THE_HEAP_MIB;
				assertThat((long) Math.floor(limitMib * (1 - heapShare))).as(name + ": limit " + limit
						+ " less a heap of " + Math.round(heapShare * 100) + " %").isGreaterThanOrEqualTo(besideTheHeap);
			}
		}
	}

	/** README's CronJob table: arguments, schedule, startingDeadlineSeconds, activeDeadlineSeconds, backoffLimit. */
	private record DocumentedCronJob(List<String> args, String schedule, long startingDeadline, long activeDeadline,
			int backoffLimit) {
	}

	private static final Map<String, DocumentedCronJob> DOCUMENTED_CRON_JOBS = Map.of(
			"apply-events", new DocumentedCronJob(List.of("run", "applyEventsJob"), "* * * * *", 30, 900, 1),
			"finality", new DocumentedCronJob(List.of("run", "finalityJob"), "* * * * *", 30, 900, 1),
			"backfill", new DocumentedCronJob(List.of("run", "backfillJob"), "*/2 * * * *", 60, 21600, 1),
			"reconcile", new DocumentedCronJob(List.of("run", "reconcileJob"), "*/5 * * * *", 120, 1800, 1),
			"reconcile-full", new DocumentedCronJob(List.of("run", "reconcileJob", "--scheduled", "mode=full"),
					"17 */6 * * *", 3600, 21600, 2),
			"orphan-cleanup", new DocumentedCronJob(List.of("run", "orphanCleanupJob"), "43 * * * *", 600, 3600, 2),
			"retention", new DocumentedCronJob(List.of("run", "retentionJob"), "30 3 * * *", 600, 3600, 2));

	@ParameterizedTest
	@MethodSource("overlays")
	void everyCronJobIsAsTheReadmeTableDocumentsIt(Path overlay) {
		List<CronJob> cronJobs = Kustomization.render(overlay).resources(CronJob.class);
		for (CronJob cronJob : cronJobs) {
			String name = cronJob.getMetadata().getName();
			assertThat(DOCUMENTED_CRON_JOBS).as("README's CronJob table").containsKey(name);
			DocumentedCronJob documented = DOCUMENTED_CRON_JOBS.get(name);
			var spec = cronJob.getSpec();
			JobSpec job = spec.getJobTemplate().getSpec();
			assertThat(List.<Object>of(jobCommand(cronJob), spec.getSchedule(), spec.getTimeZone(),
					spec.getStartingDeadlineSeconds(), job.getActiveDeadlineSeconds(), job.getBackoffLimit()))
				.as(name)
				.containsExactly(documented.args(), documented.schedule(), "Etc/UTC", documented.startingDeadline(),
						documented.activeDeadline(), documented.backoffLimit());
		}
	}

	/**
	 * Exit codes 2 (bad arguments) and 3 (lease held) fail the Job at once and evictions are not failures; a retry
	 * after a killed pod waits past the lease's ttl for the dead pod's lease instead of exiting 3.
	 */
	@ParameterizedTest
	@MethodSource("overlays")
	void everyCronJobFailsOnlyOnWhatARetryCannotMendAndARetryWaitsOutAKilledPodsLease(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		for (CronJob cronJob : rendered.resources(CronJob.class)) {
			String name = cronJob.getMetadata().getName();
			JobSpec job = cronJob.getSpec().getJobTemplate().getSpec();
			Container container = job.getTemplate().getSpec().getContainers().get(0);
			var rules = job.getPodFailurePolicy().getRules();
			assertThat(rules).as(name).hasSize(2);
			assertThat(rules.get(0).getAction()).as(name).isEqualTo("FailJob");
			assertThat(rules.get(0).getOnExitCodes().getContainerName()).as(name).isEqualTo(container.getName());
			assertThat(rules.get(0).getOnExitCodes().getOperator()).as(name).isEqualTo("In");
			assertThat(rules.get(0).getOnExitCodes().getValues()).as(name).containsExactly(2, 3);
			assertThat(rules.get(1).getAction()).as(name).isEqualTo("Ignore");
			assertThat(rules.get(1).getOnPodConditions()).as(name).singleElement()
				.satisfies(condition -> assertThat(condition.getType()).isEqualTo("DisruptionTarget"));

			Environment environment = CONFIGURATION.environment(Application.JOBS,
					Workload.environment(container, rendered));
			assertThat(DurationStyle.detectAndParse(environment.getRequiredProperty("sync.jobs.lease.same-job-wait")))
				.as(name + " same-job-wait")
				.isGreaterThan(DurationStyle.detectAndParse(environment.getRequiredProperty("sync.jobs.lease.ttl")));
		}
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void everyCronJobRunsAJobTheJobsApplicationDefines(Path overlay) {
		for (CronJob cronJob : Kustomization.render(overlay).resources(CronJob.class)) {
			String name = cronJob.getMetadata().getName();
			List<String> command = jobCommand(cronJob);
			assertThat(command).as(name + " runs `run <jobName>`").hasSizeGreaterThanOrEqualTo(2);
			assertThat(command.get(0)).as(name).isEqualTo("run");
			assertThat(JOBS).as(name + " runs " + command.get(1)).contains(command.get(1));
			assertThat(command.subList(2, command.size())).as(name + " job parameters")
				.allMatch(argument -> argument.startsWith("--") || argument.indexOf('=') > 0);
			// why: with parameters a bare run starts a new instance, so a run its deadline cut short would begin again
			if (command.subList(2, command.size()).stream().anyMatch(argument -> !argument.startsWith("--"))) {
				assertThat(command).as(name + " continues a failed run with its parameters").contains("--scheduled");
			}
		}
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void whereCronJobsLaunchTheJobsEveryJobHasOne(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		if (rendered.resources(CronJob.class).isEmpty() || !schedulingDeployments(rendered).isEmpty()) {
			return;
		}
		Set<String> launched = new TreeSet<>();
		rendered.resources(CronJob.class).forEach(cronJob -> launched.add(jobCommand(cronJob).get(1)));
		assertThat(launched).containsAll(JOBS);
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void everyEnvironmentVariableSetIsOneTheApplicationsRead(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		for (Workload workload : Workload.of(rendered)) {
			for (Container container : workload.applicationContainers()) {
				Set<String> variables = Workload.environment(container, rendered).keySet();
				Application application = Workload.application(container);
				assertThat(variables).as(workload.kind() + " " + workload.name() + " environment")
					.allMatch(variable -> CONFIGURATION.reads(application, variable));
			}
		}
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void deploymentsProbeTheHealthGroupsOnThePortTheApplicationListensOn(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		for (Deployment deployment : rendered.resources(Deployment.class)) {
			for (Container container : new Workload("Deployment", deployment.getMetadata().getName(),
					deployment.getSpec().getTemplate().getSpec()).applicationContainers()) {
				String name = deployment.getMetadata().getName();
				int port = applicationPort(CONFIGURATION.environment(Workload.application(container),
						Workload.environment(container, rendered)));
				assertThat(probePort(container, container.getLivenessProbe(), "/actuator/health/liveness"))
					.as(name + " liveness").isEqualTo(port);
				assertThat(probePort(container, container.getReadinessProbe(), "/actuator/health/readiness"))
					.as(name + " readiness").isEqualTo(port);
				assertThat(probePort(container, container.getStartupProbe(), "/actuator/health/liveness"))
					.as(name + " startup").isEqualTo(port);
				assertThat(container.getPorts()).as(name).extracting(ContainerPort::getContainerPort).contains(port);
			}
		}
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void jobPodsOutlastTheJobsShutdownTimeout(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		for (Workload workload : Workload.of(rendered)) {
			for (Container container : workload.applicationContainers()) {
				if (Workload.application(container) != Application.JOBS) {
					continue;
				}
				Environment environment = CONFIGURATION.environment(Application.JOBS,
						Workload.environment(container, rendered));
				Duration shutdownTimeout = DurationStyle
					.detectAndParse(environment.getRequiredProperty("sync.jobs.shutdown-timeout"));
				assertThat(workload.pod().getTerminationGracePeriodSeconds()).as(workload.name()).isNotNull();
				assertThat(Duration.ofSeconds(workload.pod().getTerminationGracePeriodSeconds()))
					.as(workload.kind() + " " + workload.name() + " grace period").isGreaterThan(shutdownTimeout);
			}
		}
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void configurationMountedInTheWorkingDirectoryHoldsWhatTheApplicationReads(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		for (Workload workload : Workload.of(rendered)) {
			for (Container container : workload.applicationContainers()) {
				Application application = Workload.application(container);
				Environment environment = CONFIGURATION.environment(application,
						Workload.environment(container, rendered));
				List<String> expected = new ArrayList<>(List.of("config/application.yml",
						"config/" + application.ownConfigFile()));
				for (String idl : environment.getRequiredProperty("sync.program.idl").split(",")) {
					expected.add(idl.strip());
				}
				assertThat(mountedConfigMapFiles(workload, container, rendered))
					.as(workload.kind() + " " + workload.name() + " files under " + WORKING_DIRECTORY)
					.containsAll(expected.stream().map(path -> WORKING_DIRECTORY + "/" + path).toList());
			}
		}
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void everyJobIsLaunchedByQuartzOrACronJobNotBothAndJobsDeploymentsRunNoListener(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		Set<String> byCronJobs = new TreeSet<>();
		rendered.resources(CronJob.class).forEach(cronJob -> byCronJobs.add(jobCommand(cronJob).get(1)));
		Set<String> launched = new TreeSet<>(byCronJobs);
		for (Deployment deployment : jobsDeployments(rendered)) {
			String name = deployment.getMetadata().getName();
			for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
				Environment environment = CONFIGURATION.environment(Application.JOBS,
						Workload.environment(container, rendered));
				// why: the base's listener Deployment runs the one listener of its id; a second would write its
				// checkpoint too
				assertThat(environment.getProperty("sync.listener.enabled", Boolean.class, true))
					.as(name + " runs a listener").isFalse();
				if (environment.getProperty("sync.jobs.schedule.enabled", Boolean.class, true)) {
					Set<String> byQuartz = quartzOwnedJobs(environment);
					assertThat(byQuartz).as(name + " schedules jobs CronJobs launch too").noneMatch(byCronJobs::contains);
					launched.addAll(byQuartz);
				}
			}
		}
		assertThat(launched).as("jobs some CronJob or Quartz launches").containsAll(JOBS);
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void everyApplicationDeploymentIsAnnotatedForPrometheusOnThePortItServesMetricsOn(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		for (Deployment deployment : rendered.resources(Deployment.class)) {
			String name = deployment.getMetadata().getName();
			for (Container container : applicationContainers(deployment)) {
				Environment environment = CONFIGURATION.environment(Workload.application(container),
						Workload.environment(container, rendered));
				Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
				assertThat(annotations).as(name + " pod annotations").containsEntry("prometheus.io/scrape", "true")
					.containsEntry("prometheus.io/path", "/actuator/prometheus")
					.containsEntry("prometheus.io/port", String.valueOf(applicationPort(environment)));
				assertThat(environment.getRequiredProperty("management.endpoints.web.exposure.include").split(","))
					.as(name + " exposes Prometheus").contains("prometheus");
			}
		}
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void everyApplicationDeploymentHasAServiceOnItsHttpPort(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		for (Deployment deployment : rendered.resources(Deployment.class)) {
			String name = deployment.getMetadata().getName();
			Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
			for (Container container : applicationContainers(deployment)) {
				int port = applicationPort(CONFIGURATION.environment(Workload.application(container),
						Workload.environment(container, rendered)));
				assertThat(rendered.resources(Service.class)).as(name + ": a Service selecting its pods on " + port)
					.anyMatch(service -> service.getSpec().getSelector() != null
							&& !service.getSpec().getSelector().isEmpty()
							&& podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet())
							&& service.getSpec().getPorts().stream()
								.anyMatch(servicePort -> targetPort(container, servicePort) == port));
			}
		}
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void secretKeysReferencedExistInTheGeneratedSecret(Path overlay) {
		Kustomization rendered = Kustomization.render(overlay);
		for (Workload workload : Workload.of(rendered)) {
			for (Container container : workload.allContainers()) {
				for (EnvVar variable : container.getEnv()) {
					if (variable.getValueFrom() == null || variable.getValueFrom().getSecretKeyRef() == null) {
						continue;
					}
					var reference = variable.getValueFrom().getSecretKeyRef();
					Workload.generatedSecret(rendered, reference.getName()).map(Secret::getStringData)
						.ifPresent(keys -> assertThat(keys).as(workload.name() + " " + variable.getName())
							.containsKey(reference.getKey()));
				}
			}
		}
	}

	/** The files a ConfigMap generated by the rendering puts under the container's mounts. */
	private static Set<String> mountedConfigMapFiles(Workload workload, Container container, Kustomization rendered) {
		Set<String> files = new TreeSet<>();
		for (VolumeMount mount : container.getVolumeMounts()) {
			Volume volume = workload.pod().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
				.findFirst().orElseThrow();
			if (volume.getConfigMap() == null) {
				continue;
			}
			ConfigMap map = Workload.generatedConfigMap(rendered, volume.getConfigMap().getName()).orElseThrow(
					() -> new AssertionError(workload.name() + " mounts " + volume.getConfigMap().getName()
							+ ", which the kustomization does not generate"));
			if (volume.getConfigMap().getItems().isEmpty()) {
				map.getData().keySet().forEach(key -> files.add(mount.getMountPath() + "/" + key));
			}
			for (var item : volume.getConfigMap().getItems()) {
				assertThat(map.getData()).as(workload.name() + " " + volume.getName()).containsKey(item.getKey());
				files.add(mount.getMountPath() + "/" + item.getPath());
			}
		}
		return files;
	}

	/** The port an HTTP probe on {@code path} hits, by number or by the container port's name. */
	private static int probePort(Container container, Probe probe, String path) {
		assertThat(probe).as(container.getName() + " probe on " + path).isNotNull();
		HTTPGetAction get = probe.getHttpGet();
		assertThat(get).as(container.getName() + " probe on " + path).isNotNull();
		assertThat(get.getPath()).isEqualTo(path);
		if (get.getPort().getIntVal() != null) {
			return get.getPort().getIntVal();
		}
		return container.getPorts().stream().filter(port -> get.getPort().getStrVal().equals(port.getName()))
			.map(ContainerPort::getContainerPort).findFirst()
			.orElseThrow(() -> new AssertionError(container.getName() + " has no port " + get.getPort().getStrVal()));
	}

	/** The arguments after the image's entry point (JobsMain): {@code run <jobName> [name=value ...]}. */
	private static List<String> jobCommand(CronJob cronJob) {
		List<Container> containers = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()
			.getContainers();
		assertThat(containers).as(cronJob.getMetadata().getName()).hasSize(1);
		Container container = containers.get(0);
		assertThat(Application.ofImage(container.getImage())).as(cronJob.getMetadata().getName() + " image")
			.contains(Application.JOBS);
		assertThat(container.getCommand()).as("the image's entry point runs JobsMain").isEmpty();
		return container.getArgs();
	}

	/** The port the application serves its management endpoints on, as its environment resolves it. */
	private static int applicationPort(Environment environment) {
		return environment.getProperty("management.server.port", Integer.class,
				environment.getProperty("server.port", Integer.class, 8080));
	}

	/** The container port a Service port sends to, by number or by the container port's name; -1 if none. */
	private static int targetPort(Container container, ServicePort servicePort) {
		IntOrString target = servicePort.getTargetPort() == null ? new IntOrString(servicePort.getPort())
				: servicePort.getTargetPort();
		if (target.getIntVal() != null) {
			return target.getIntVal();
		}
		return container.getPorts().stream().filter(port -> target.getStrVal().equals(port.getName()))
			.map(ContainerPort::getContainerPort).findFirst().orElse(-1);
	}

	private static List<Container> applicationContainers(Deployment deployment) {
		return new Workload("Deployment", deployment.getMetadata().getName(),
				deployment.getSpec().getTemplate().getSpec()).applicationContainers();
	}

	/** The jobs the environment's Quartz triggers launch ({@code owner: quartz}, the default). */
	private static Set<String> quartzOwnedJobs(Environment environment) {
		Map<String, Object> triggers = Binder.get(environment)
			.bind("sync.jobs.schedule.triggers", Bindable.mapOf(String.class, Object.class)).orElse(Map.of());
		Set<String> jobs = new TreeSet<>();
		triggers.forEach((name, bound) -> {
			Map<?, ?> trigger = (Map<?, ?>) bound;
			Object owner = trigger.get("owner");
			if (owner == null || !"cronjob".equalsIgnoreCase(owner.toString())) {
				jobs.add(trigger.get("job") instanceof String job && !job.isBlank() ? job : name);
			}
		});
		return jobs;
	}

	/** The jobs Deployments that run Quartz ({@code sync.jobs.schedule.enabled} as their environment resolves it). */
	private static List<Deployment> schedulingDeployments(Kustomization rendered) {
		return jobsDeployments(rendered).stream().filter(deployment -> deployment.getSpec().getTemplate().getSpec()
			.getContainers().stream().filter(container -> Application.ofImage(container.getImage()).isPresent())
			.anyMatch(container -> CONFIGURATION.environment(Application.JOBS, Workload.environment(container, rendered))
				.getProperty("sync.jobs.schedule.enabled", Boolean.class, true)))
			.toList();
	}

	private static List<Deployment> jobsDeployments(Kustomization rendered) {
		return rendered.resources(Deployment.class).stream()
			.filter(deployment -> deployment.getSpec().getTemplate().getSpec().getContainers().stream()
				.anyMatch(container -> Application.ofImage(container.getImage()).orElse(null) == Application.JOBS))
			.toList();
	}
}
