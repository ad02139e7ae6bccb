import ArgumentParser

@main
struct EptCheck: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eptcheck",
    abstract: "Model-check the KVM TDP MMU mirror/external EPT protocol.")

  func run() throws {}
}
