package dev.usersapi.api;

/** Ends a request early with a 4xx problem; thrown where the input is read, answered in one place. */
final class ProblemException extends RuntimeException {
    private final Problem problem;

    ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    Problem problem() {
        return problem;
    }
}
