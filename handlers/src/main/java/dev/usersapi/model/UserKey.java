package dev.usersapi.model;

/** The table's primary key: the id and the creation time in epoch milliseconds. */
public record UserKey(String id, long createdAt) {}
