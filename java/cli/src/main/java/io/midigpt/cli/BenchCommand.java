package io.midigpt.cli;

import picocli.CommandLine.Command;

/** Speed figures, printed (never asserted by tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Prints speed figures of the tokenizer, the model, the HTTP server or the OSC server on"
            + " this machine, and fuzzes the OSC server.",
    subcommands = {BenchTokenizerCommand.class, BenchModelCommand.class, BenchHttpCommand.class,
      BenchOscCommand.class, BenchOscFuzzCommand.class})
final class BenchCommand {}
