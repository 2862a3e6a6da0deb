package io.midigpt.cli;

import picocli.CommandLine.Command;

/** Speed figures, printed (never asserted by tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Prints speed figures of the tokenizer or the model on this machine.",
    subcommands = {BenchTokenizerCommand.class, BenchModelCommand.class})
final class BenchCommand {}
