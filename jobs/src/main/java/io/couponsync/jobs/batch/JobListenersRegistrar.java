package io.couponsync.jobs.batch;

import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.step.AbstractStep;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Gives every job and step bean the listeners every run needs ({@link JobLogContext}, {@link JobMetrics},
 * {@link FailureCause}), so no job
 * configuration has to remember them.
 */
final class JobListenersRegistrar implements BeanPostProcessor {

	private final JobLogContext logContext = new JobLogContext();

	private final FailureCause failureCause = new FailureCause();

	private final ObjectProvider<JobMetrics> metrics;

	JobListenersRegistrar(ObjectProvider<JobMetrics> metrics) {
		this.metrics = metrics;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AbstractJob job) {
			job.registerJobExecutionListener(logContext);
			job.registerJobExecutionListener(metrics.getObject());
		}
		else if (bean instanceof AbstractStep step) {
			step.registerStepExecutionListener(logContext);
			step.registerStepExecutionListener(failureCause);
			step.registerStepExecutionListener(metrics.getObject());
		}
		return bean;
	}
}
