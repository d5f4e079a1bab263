/// Cancels one running task from any other task.
///
/// A task a service spawns runs in the root's task group, and the registry needs a way to
/// cancel exactly that task when the service stops (a task group can only cancel all of
/// its children).
///
/// `UnsafeCurrentTask` is not `Sendable` because most of its members may only be used
/// from inside the task itself. This wrapper exposes `cancel()` alone, which is safe from
/// any thread: it calls the same runtime entry point as `Task.cancel()`. The wrapped value
/// holds a strong reference to the task object, so calling `cancel()` after the task has
/// finished is harmless, exactly as it is for a `Task` handle. That makes the
/// `@unchecked Sendable` sound.
struct TaskCanceller: @unchecked Sendable {
    private let task: UnsafeCurrentTask

    /// A canceller for the calling task, or `nil` outside of a task.
    static func current() -> TaskCanceller? {
        withUnsafeCurrentTask { task in task.map(TaskCanceller.init) }
    }

    private init(_ task: UnsafeCurrentTask) {
        self.task = task
    }

    /// Marks the task cancelled and runs its cancellation handlers.
    func cancel() {
        task.cancel()
    }
}
