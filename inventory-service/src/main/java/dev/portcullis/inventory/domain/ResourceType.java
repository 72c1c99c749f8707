package dev.portcullis.inventory.domain;

public enum ResourceType {
    APPLICATION, GROUP, SITE, TEAM, ACCESS_PACKAGE
}
