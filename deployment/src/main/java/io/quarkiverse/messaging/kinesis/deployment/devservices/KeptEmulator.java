package io.quarkiverse.messaging.kinesis.deployment.devservices;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import io.quarkus.deployment.builditem.CuratedApplicationShutdownBuildItem;

/**
 * An emulator Dev Services started, kept across live reloads while its settings stay the same (its records survive
 * a reload), and stopped with the application (end of dev mode, end of the tests).
 *
 * @param <S> its settings: a new emulator is started when they change
 * @param <E> the running emulator
 */
final class KeptEmulator<S, E> {

    private final Function<S, E> starter;
    private final Predicate<E> alive;
    private final Consumer<E> stopper;
    private E running;
    private S settings;
    private boolean closeTaskRegistered;

    KeptEmulator(Function<S, E> starter, Predicate<E> alive, Consumer<E> stopper) {
        this.starter = starter;
        this.alive = alive;
        this.stopper = stopper;
    }

    /** The running emulator when it has these settings and is alive; else a new one (the old one stopped). */
    synchronized E startOrReuse(S wanted) {
        if (running != null && wanted.equals(settings) && alive.test(running)) {
            return running;
        }
        stop();
        E started = starter.apply(wanted);
        running = started;
        settings = wanted;
        return started;
    }

    /** Stops the emulator when the application closes (registered once per application). */
    synchronized void stopWith(CuratedApplicationShutdownBuildItem shutdown) {
        if (!closeTaskRegistered) {
            closeTaskRegistered = true;
            shutdown.addCloseTask(() -> {
                stop();
                synchronized (this) {
                    closeTaskRegistered = false;
                }
            }, true);
        }
    }

    synchronized boolean isAlive() {
        return running != null && alive.test(running);
    }

    synchronized void stop() {
        if (running != null) {
            E stopping = running;
            running = null;
            settings = null;
            stopper.accept(stopping);
        }
    }
}
