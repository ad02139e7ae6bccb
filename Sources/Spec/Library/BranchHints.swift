extension Library {
  /// `likely(x)` and `unlikely(x)`: the kernel's branch hints, `!!(x)` to the model. Local
  /// computation, so a kernel condition can be copied into a spec as it is written.
  static let branchHintBuiltins: [Builtin] = ["likely", "unlikely"].map { name in
    Builtin(
      name: name, parameters: [.init("condition", .any)], result: .bool, isSchedulingPoint: false,
      execute: { call, _ in BuiltinOutcome(value: .bool(call.arguments[0].isTrue)) })
  }
}
