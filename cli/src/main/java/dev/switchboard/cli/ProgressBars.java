package dev.switchboard.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The commands' progress bars: on standard error, and only on an interactive terminal. */
final class ProgressBars {
  private ProgressBars() {}

  /** Whether a bar would be seen: not with {@code --quiet}, not when output goes to a file or pipe. */
  static boolean shown(boolean quiet) {
    return !quiet && System.console() != null;
  }

  static ProgressBar create(String task, long max) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(Math.max(max, 0))
        .setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .setUpdateIntervalMillis(250)
        .continuousUpdate()
        .build();
  }
}
