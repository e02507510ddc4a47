import { UnknownValueError } from "@pulumi/policy";

/**
 * A property's value, or undefined while a preview cannot know it (@pulumi/policy throws
 * UnknownValueError when a stack rule reads a value computed by a resource not yet created).
 * Each caller says why its rule can decide without the value.
 */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (error) {
        if (error instanceof UnknownValueError) {
            return undefined;
        }
        throw error;
    }
}
