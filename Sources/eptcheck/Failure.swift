import ArgumentParser
import Explorer
import Spec

/// Every way a command can fail, and the exit code each one maps to (DESIGN.md §6).
enum Failure: Error, CustomStringConvertible {
  /// A spec did not load: parse or check errors, a missing file.
  case badSpec(SpecError)
  /// A trace file could not be read or does not fit the spec.
  case badTrace(String)
  /// A sync record (`kernel-sync.json`) could not be read.
  case badRecord(String)
  /// The command line asked for something that does not exist.
  case usage(String)
  /// An output file could not be written.
  case io(String)

  var exitCode: ExitCode {
    switch self {
    case .badSpec, .badTrace, .badRecord: return ExitCode(65)
    case .usage: return ExitCode(64)
    case .io: return ExitCode(74)
    }
  }

  var description: String {
    switch self {
    case .badSpec(let error): return error.description
    case .badTrace(let message), .badRecord(let message): return "error: \(message)"
    case .usage(let message): return "error: \(message)"
    case .io(let message): return "error: \(message)"
    }
  }

  /// Prints the failure to stderr and leaves with its exit code, or with `code` when given.
  func exit(code: ExitCode? = nil) -> ExitCode {
    let shown = description.escapingControlCharacters(keepingNewlines: true)
    Terminal.standardError.write(shown + "\n")
    return code ?? exitCode
  }
}

/// Verdict exit codes.
enum Outcome {
  static let asExpected = ExitCode(0)
  static let unexpected = ExitCode(1)
  static let inconclusive = ExitCode(2)
}
