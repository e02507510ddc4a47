package dev.usersapi.store;

import static dev.usersapi.store.UserStore.AGE;
import static dev.usersapi.store.UserStore.CREATED_AT;
import static dev.usersapi.store.UserStore.DELETE_AT;
import static dev.usersapi.store.UserStore.EMAIL;
import static dev.usersapi.store.UserStore.ID;
import static dev.usersapi.store.UserStore.NAME;
import static dev.usersapi.store.UserStore.OWNER_ID;
import static dev.usersapi.store.UserStore.UPDATED_BY;
import static dev.usersapi.store.UserStore.UPDATED_AT;
import static dev.usersapi.store.UserStore.VERSION;

import dev.usersapi.model.User;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Users to and from DynamoDB items, by hand: a mapping framework would cost cold start for ten fields. */
final class UserItems {
    private UserItems() {}

    static Map<String, AttributeValue> toItem(User user) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ID, UserStore.text(user.id()));
        item.put(CREATED_AT, UserStore.number(user.createdAt()));
        item.put(UPDATED_AT, UserStore.number(user.updatedAt()));
        item.put(VERSION, UserStore.number(user.version()));
        item.put(NAME, UserStore.text(user.name()));
        item.put(EMAIL, UserStore.text(user.email()));
        user.age().ifPresent(age -> item.put(AGE, UserStore.number(age)));
        user.deleteAt().ifPresent(at -> item.put(DELETE_AT, UserStore.number(at)));
        user.ownerId().ifPresent(owner -> item.put(OWNER_ID, UserStore.text(owner)));
        user.updatedBy().ifPresent(by -> item.put(UPDATED_BY, UserStore.text(by)));
        return item;
    }

    static User fromItem(Map<String, AttributeValue> item) {
        return new User(
                item.get(ID).s(),
                longOf(item, CREATED_AT),
                longOf(item, UPDATED_AT),
                longOf(item, VERSION),
                item.get(NAME).s(),
                item.get(EMAIL).s(),
                Optional.ofNullable(item.get(AGE)).map(age -> Integer.parseInt(age.n())),
                Optional.ofNullable(item.get(DELETE_AT)).map(at -> Long.parseLong(at.n())),
                Optional.ofNullable(item.get(OWNER_ID)).map(AttributeValue::s),
                Optional.ofNullable(item.get(UPDATED_BY)).map(AttributeValue::s));
    }

    private static long longOf(Map<String, AttributeValue> item, String attribute) {
        return Long.parseLong(item.get(attribute).n());
    }
}
