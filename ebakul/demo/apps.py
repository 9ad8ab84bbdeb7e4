from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ebakul.demo"
    label = "demo"
    verbose_name = "Demo"
