package dev.iovirt.controller;
