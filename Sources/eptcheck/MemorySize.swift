import ArgumentParser

/// `--memory-limit`: a size in bytes, written with a binary suffix (`4G`, `512M`, `64K`) or bare.
struct MemorySize: ExpressibleByArgument, CustomStringConvertible, Sendable, Equatable {
  var bytes: Int

  /// The default limit: a fifth of a 24 GiB machine, so that a state explosion ends cleanly
  /// long before the kernel's OOM killer picks a victim.
  static let defaultLimit = MemorySize(bytes: 4 << 30)

  init(bytes: Int) { self.bytes = bytes }

  init?(argument: String) {
    var digits = Substring(argument.uppercased())
    if digits.hasSuffix("IB") { digits = digits.dropLast(2) } else if digits.hasSuffix("B") {
      digits = digits.dropLast()
    }
    var shift = 0
    switch digits.last {
    case "K": shift = 10
    case "M": shift = 20
    case "G": shift = 30
    case "T": shift = 40
    default: break
    }
    if shift != 0 { digits = digits.dropLast() }
    guard let value = Int(digits), value >= 1, value <= Int.max >> shift else { return nil }
    bytes = value << shift
  }

  static var defaultCompletionKind: CompletionKind { .default }

  /// The size in the largest binary unit that divides it, as `--memory-limit` takes it.
  var description: String {
    for (shift, unit) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")]
    where bytes % (1 << shift) == 0 {
      return "\(bytes >> shift)\(unit)"
    }
    return "\(bytes)"
  }
}
