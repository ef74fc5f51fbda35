package io.couponsync.jobs.readmodel;

/** Turns one event into read-model changes. */
@FunctionalInterface
public interface EventProjection {

	void project(ChainEvent event, ProjectionContext context);
}
