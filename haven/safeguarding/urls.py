from haven.safeguarding.urls_cases import urlpatterns as case_urls
from haven.safeguarding.urls_partners import urlpatterns as partner_urls

app_name = "safeguarding"
urlpatterns = case_urls + partner_urls
