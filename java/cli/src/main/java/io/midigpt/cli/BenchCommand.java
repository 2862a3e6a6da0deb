package io.midigpt.cli;

import picocli.CommandLine.Command;

/** Speed figures, printed (never asserted by tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Prints speed figures of the tokenizer, the model or the HTTP server on this machine.",
    subcommands = {BenchTokenizerCommand.class, BenchModelCommand.class, BenchHttpCommand.class})
final class BenchCommand {}
