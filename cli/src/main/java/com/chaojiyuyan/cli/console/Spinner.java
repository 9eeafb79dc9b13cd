package com.chaojiyuyan.cli.console;

import java.io.PrintWriter;

/** A one-line spinner with the elapsed time, redrawn on stderr until closed; does nothing when disabled. */
public final class Spinner implements AutoCloseable {
    private static final String FRAMES = "|/-\\";

    private final PrintWriter err;
    private final Thread thread;
    private volatile String message;

    private Spinner(PrintWriter err, String message, boolean enabled) {
        this.err = err;
        this.message = message;
        this.thread = enabled ? Thread.ofPlatform().daemon().name("spinner").start(this::spin) : null;
    }

    static Spinner start(PrintWriter err, String message, boolean enabled) {
        return new Spinner(err, message, enabled);
    }

    /** Changes the text shown next to the spinner. */
    public void message(String message) {
        this.message = message;
    }

    private void spin() {
        long started = System.nanoTime();
        try {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                long seconds = (System.nanoTime() - started) / 1_000_000_000L;
                synchronized (err) {
                    err.print("\r" + FRAMES.charAt(i % FRAMES.length()) + " " + message + " (" + seconds + "s)\u001b[K");
                    err.flush();
                }
                Thread.sleep(120); // the redraw rate of an animation, not a wait for anything
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (err) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }
}
